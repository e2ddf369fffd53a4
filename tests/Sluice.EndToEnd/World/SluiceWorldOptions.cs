namespace Sluice.EndToEnd.World;

/// <summary>How a <see cref="SluiceWorld"/> is made.</summary>
internal sealed record SluiceWorldOptions
{
    /// <summary>Local Mesos agents.</summary>
    public int Agents { get; init; } = 2;

    /// <summary>Scheduler instances: the first leads, the others stand by. More than one needs <see cref="ZooKeeper"/>.</summary>
    public int Schedulers { get; init; } = 1;

    /// <summary>A ZooKeeper connect string (<c>127.0.0.1:port</c>) for ZooKeeper state; null for a file state store.</summary>
    public string? ZooKeeper { get; init; }

    /// <summary>Further scheduler flags.</summary>
    public IReadOnlyList<string> SchedulerArgs { get; init; } = [];

    /// <summary>Where the world's own lines go (reports, scheduler log dumps).</summary>
    public Action<string>? Log { get; init; }
}
