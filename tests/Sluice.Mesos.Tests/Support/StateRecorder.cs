using System.Threading.Channels;

namespace Sluice.Mesos.Tests.Support;

/// <summary>Records state transitions reported by a client and lets a test wait for one.</summary>
internal sealed class StateRecorder<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();

    public List<T> All { get; } = [];

    public void Record(T state)
    {
        lock (All)
        {
            All.Add(state);
        }

        _channel.Writer.TryWrite(state);
    }

    /// <summary>Waits for the next recorded state that is a <typeparamref name="TState"/>, skipping others.</summary>
    public Task<TState> NextAsync<TState>(string what) where TState : T => Bounded.WithinAsync(NextCoreAsync<TState>(), what);

    private async Task<TState> NextCoreAsync<TState>() where TState : T
    {
        while (true)
        {
            if (await _channel.Reader.ReadAsync() is TState state)
            {
                return state;
            }
        }
    }
}
