using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.State;

/// <summary>Records with every field set, for round trips.</summary>
internal static class StateSamples
{
    public static ConsumerRecord Consumer(string name, int desiredInstances = 3, string? payload = null) => new(
        new ConsumerSpec(
            name,
            ["orders", "payments"],
            "group-" + name,
            [
                new ConsumerVersion(
                    "v1",
                    ["http://artifacts/handler-v1.tar.gz"],
                    "./handler --mode fast",
                    new Dictionary<string, string> { ["LOG_LEVEL"] = "info", ["PAYLOAD"] = payload ?? "p" },
                    new TaskResources(0.5, 256, 100),
                    new WorkerSettings(8, OrderingMode.PerKey, 100, TimeSpan.FromMilliseconds(20), FailurePolicy.DeadLetterAndContinue, "orders-dlq")),
            ],
            "v1",
            [new PlacementConstraint("hostname", ConstraintOperator.Unique, null)],
            desiredInstances),
        [
            new TaskRecord("task-1", "v1", "agent-a", MesosTaskState.Running, ControlPlaneState.Ready),
            new TaskRecord("task-2", "v1", null, MesosTaskState.Staging, ControlPlaneState.NotConnected),
        ]);

    public static OwnershipTable Ownership(long epoch = 1) => new(
    [
        new PartitionOwnership("orders", 0, "task-1", epoch, OwnershipState.Owned, 1200),
        new PartitionOwnership("orders", 1, "task-2", epoch, OwnershipState.Releasing, null),
        new PartitionOwnership("orders", 2, null, epoch, OwnershipState.Free, 42),
    ]);

    public static Deployment Deployment(string id, string consumer) => new(
        id,
        consumer,
        "v1",
        "v2",
        [new DeploymentStep(10, TimeSpan.FromSeconds(30)), new DeploymentStep(100, TimeSpan.Zero)],
        1,
        [new HealthGate("lag", HealthGateKind.MaxLag, 1000, true)],
        DeploymentStatus.InProgress);

    public static void AssertSameJson<T>(T expected, T actual, JsonTypeInfo<T> type) =>
        Assert.Equal(JsonSerializer.Serialize(expected, type), JsonSerializer.Serialize(actual, type));

    public static JsonTypeInfo<ConsumerRecord> ConsumerJson => StateJsonContext.Default.ConsumerRecord;

    public static JsonTypeInfo<OwnershipTable> OwnershipJson => StateJsonContext.Default.OwnershipTable;

    public static JsonTypeInfo<Deployment> DeploymentJson => StateJsonContext.Default.Deployment;
}
