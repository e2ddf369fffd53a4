using System.Threading.Channels;

namespace Sluice.Mesos.Tests.Support;

/// <summary>Iterates a client's event sequence in the background so a test can take events with bounded waits.</summary>
internal sealed class EventPump<T> : IAsyncDisposable
{
    private readonly Channel<T> _events = Channel.CreateUnbounded<T>();
    private readonly CancellationTokenSource _stop = new();

    public EventPump(Func<CancellationToken, IAsyncEnumerable<T>> subscribe)
    {
        Completion = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in subscribe(_stop.Token))
                {
                    _events.Writer.TryWrite(item);
                }
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    /// <summary>Completes when the sequence ends (faulted if it threw).</summary>
    public Task Completion { get; }

    public Task<T> NextAsync(string what) => Bounded.WithinAsync(_events.Reader.ReadAsync().AsTask(), what);

    /// <summary>Skips items until one satisfies <paramref name="predicate"/>.</summary>
    public Task<T> NextAsync(Func<T, bool> predicate, string what) => Bounded.WithinAsync(NextCoreAsync(predicate), what);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            // The expected end of a cancelled subscription.
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            // The test asserts on Completion itself when an error matters.
        }

        _stop.Dispose();
    }

    private async Task<T> NextCoreAsync(Func<T, bool> predicate)
    {
        while (true)
        {
            var item = await _events.Reader.ReadAsync();
            if (predicate(item))
            {
                return item;
            }
        }
    }
}
