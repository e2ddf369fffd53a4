namespace Sluice.Scheduler.State.Model;

/// <summary>What an operator defined: a named consumer of topics, its versions and how many tasks to run.</summary>
/// <param name="Name">Unique consumer name ([A-Za-z0-9._-], also its ZooKeeper node name).</param>
/// <param name="Topics">Kafka topics the consumer reads.</param>
/// <param name="GroupId">Kafka group id used for offset commits (never for group membership).</param>
/// <param name="Versions">Handler versions; a deployment moves partitions from one to another.</param>
/// <param name="ActiveVersion">The version new tasks run when no deployment is in progress.</param>
/// <param name="Constraints">Placement constraints on agents.</param>
/// <param name="DesiredInstances">How many tasks of the active version to run.</param>
internal sealed record ConsumerSpec(
    string Name,
    IReadOnlyList<string> Topics,
    string GroupId,
    IReadOnlyList<ConsumerVersion> Versions,
    string ActiveVersion,
    IReadOnlyList<PlacementConstraint> Constraints,
    int DesiredInstances);
