using Sluice.EndToEnd.Chaos;
using Sluice.Testing.Kafka;
using Sluice.Testing.ZooKeeper;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Faults;

/// <summary>
/// Fault scenarios of the scheduler's side: a leader and a standby keeping their state in a real ZooKeeper server
/// (one per class), end to end under load: see <see cref="ChaosScenario"/>.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class SchedulerFailoverFaultTests(KafkaFixture kafka, ZooKeeperServer zooKeeper, ITestOutputHelper output) : IClassFixture<ZooKeeperServer>
{
    [Fact]
    public Task A_killed_leader_is_replaced_by_its_standby_without_restarting_a_task_losing_or_duplicating_a_record() =>
        FaultScenarios.RunAsync<LeaderKilled>(kafka, output, zooKeeper.ConnectionString);

    [Fact]
    public Task A_leader_whose_ZooKeeper_session_expires_stands_down_and_no_partition_ever_has_two_owners() =>
        FaultScenarios.RunAsync<LeaderSessionExpired>(kafka, output, zooKeeper.ConnectionString);
}
