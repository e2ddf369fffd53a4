using Sluice.EndToEnd.Chaos;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Faults;

/// <summary>
/// Fault scenarios around the consumers (executors, Kafka, Mesos, poison), end to end under load (real scheduler, local Mesos, executor
/// processes, the recording handler as judge): see <see cref="ChaosScenario"/>.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ExecutorAndKafkaFaultTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public Task A_killed_executors_partitions_move_with_nothing_lost_and_only_its_in_flight_records_duplicated() =>
        FaultScenarios.RunAsync<ExecutorKilled>(kafka, output);

    [Fact]
    public Task A_broker_outage_and_injected_request_errors_are_retried_with_nothing_lost_or_duplicated() =>
        FaultScenarios.RunAsync<BrokerOutage>(kafka, output);

    [Fact]
    public Task A_restarted_Mesos_master_gets_the_framework_back_with_its_tasks_running_and_nothing_lost_or_duplicated() =>
        FaultScenarios.RunAsync<MasterRestarted>(kafka, output);

    [Fact]
    public Task One_percent_poison_records_go_to_the_dead_letter_topic_exactly_and_everything_else_is_processed_once() =>
        FaultScenarios.RunAsync<PoisonRecords>(kafka, output);

    [Fact]
    public Task A_cutover_with_a_green_executor_killed_mid_way_completes_or_rolls_back_with_nothing_lost() =>
        FaultScenarios.RunAsync<CutoverWithExecutorKilled>(kafka, output);
}
