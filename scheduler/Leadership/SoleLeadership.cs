using Microsoft.Extensions.Logging;

namespace Sluice.Scheduler.Leadership;

/// <summary>
/// The leadership of the only scheduler (file store, guarded by its lock file; memory store in tests): it leads from
/// the start until disposed.
/// </summary>
internal sealed partial class SoleLeadership(LeaderInfo self, ILogger<SoleLeadership> logger) : ILeadership
{
    private readonly CancellationTokenSource _term = new();
    private int _disposed;

    public LeadershipState State => Volatile.Read(ref _disposed) == 0 ? LeadershipState.Leader : LeadershipState.Resigned;

    public bool CanCommand => State == LeadershipState.Leader;

    /// <summary>Always 1: there is no other scheduler whose word could be stale.</summary>
    public long Term => 1;

    public CancellationToken CommandToken => _term.Token;

    /// <summary>Raised once, with <see cref="LeadershipState.Resigned"/>, when disposed.</summary>
    public event EventHandler<LeadershipState>? StateChanged;

    public Task WhenLeaderAsync(CancellationToken cancellationToken = default) =>
        State == LeadershipState.Leader
            ? Task.CompletedTask
            : Task.FromException(new InvalidOperationException("This scheduler resigned."));

    public Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(State == LeadershipState.Leader ? self : null);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _term.CancelAsync().ConfigureAwait(false);
        var handlers = StateChanged;
        if (handlers is null) return;
        _ = Task.Run(() =>
        {
            try
            {
                handlers(this, LeadershipState.Resigned);
            }
            catch (Exception e)
            {
                LogHandlerFailed(logger, e);
            }
        });
    }

    [LoggerMessage(EventName = "SoleLeadershipHandlerFailed", Level = LogLevel.Error,
        Message = "A leadership StateChanged handler threw; the exception was swallowed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
