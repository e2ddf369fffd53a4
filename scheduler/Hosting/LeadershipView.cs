using Sluice.Scheduler.Api;
using Sluice.Scheduler.Leadership;
using ControlPlaneLeadership = Sluice.Scheduler.ControlPlane.ILeadership;

namespace Sluice.Scheduler.Hosting;

/// <summary>
/// Leader election as the REST API and the control plane see it: am I the leader, and where is
/// the leader (for a standby's 307 and the executors' redirect). The leader's addresses are read
/// again on every election state change.
/// </summary>
internal sealed class LeadershipView : ControlPlaneLeadership, IApiLeadership, IDisposable
{
    private readonly ILeadership _leadership;
    private LeaderInfo? _leader;

    public LeadershipView(ILeadership leadership)
    {
        _leadership = leadership;
        _leadership.StateChanged += OnStateChanged;
        _ = RefreshAsync();
    }

    public bool IsLeader => _leadership.CanCommand;

    public string? LeaderControlPlaneAddress => Volatile.Read(ref _leader)?.GrpcAddress;

    public Uri? LeaderApiUrl =>
        Volatile.Read(ref _leader)?.RestAddress is { } rest && Uri.TryCreate(rest, UriKind.Absolute, out var url) ? url : null;

    public void Dispose() => _leadership.StateChanged -= OnStateChanged;

    private void OnStateChanged(object? sender, LeadershipState state) => _ = RefreshAsync();

    private async Task RefreshAsync()
    {
        try
        {
            Volatile.Write(ref _leader, await _leadership.GetLeaderAsync());
        }
        catch (Exception) when (!_leadership.CanCommand)
        {
            // No leader known right now (e.g. ZooKeeper unreachable): keep the last one; the next change retries.
        }
    }
}
