using Sluice.EndToEnd.Chaos;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Faults;

/// <summary>The lease (DESIGN.md §3.3) end to end: see <see cref="ControlPlaneCut"/>.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ControlPlaneCutTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public Task An_executor_cut_off_past_its_lease_pauses_and_its_partitions_move_only_after_the_lease_with_nothing_lost_or_duplicated() =>
        FaultScenarios.RunAsync<ControlPlaneCut>(kafka, output);
}
