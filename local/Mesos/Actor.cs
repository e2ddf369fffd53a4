using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Sluice.Local.Mesos;

/// <summary>
/// A single-threaded mailbox: every piece of state of a master or an agent is touched only by
/// the actions it runs, one at a time, in the order they were posted. Timers, HTTP handlers and
/// the other side (agent or master) post work here instead of taking locks, so there is no lock
/// ordering to get wrong between master and agents.
/// </summary>
internal sealed class Actor : IAsyncDisposable
{
    private readonly Channel<Action> _mailbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Task _loop;

    public Actor(string name, ILogger logger)
    {
        _name = name;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="action"/> on the actor later; dropped once the actor is stopped.</summary>
    public void Post(Action action) => _mailbox.Writer.TryWrite(action);

    /// <summary>Runs <paramref name="function"/> on the actor and returns its result (or its exception).</summary>
    public Task<T> Ask<T>(Func<T> function)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_mailbox.Writer.TryWrite(() =>
        {
            try
            {
                result.SetResult(function());
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        }))
        {
            result.SetException(new ObjectDisposedException(_name));
        }
        return result.Task;
    }

    /// <summary>Longest delay a timer takes (2³² − 2 ms, about 49.7 days).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Posts <paramref name="action"/> after <paramref name="due"/>; dispose the timer to cancel.</summary>
    /// <remarks>
    /// Delays come from callers' protobufs (failover timeouts, kill and shutdown grace periods):
    /// a negative one runs at once, one beyond <see cref="MaxDelay"/> after <see cref="MaxDelay"/>
    /// (longer than a local world lives) instead of throwing on the actor.
    /// </remarks>
    public ITimer Schedule(TimeProvider time, TimeSpan due, Action action) =>
        time.CreateTimer(_ => Post(action), null, due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxDelay ? MaxDelay : due, Timeout.InfiniteTimeSpan);

    private async Task RunAsync()
    {
        await foreach (var action in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Actor}: an action failed", _name);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _mailbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
