using Sluice.EndToEnd.Chaos;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Faults;

/// <summary>Runs one of issue 11's fault scenarios (the same ones <c>./bench.sh chaos</c> runs) and fails with every broken guarantee.</summary>
internal static class FaultScenarios
{
    public static async Task RunAsync<TScenario>(KafkaFixture kafka, ITestOutputHelper output, string? zooKeeper = null)
        where TScenario : ChaosScenario, new()
    {
        var outcome = await new TScenario().RunAsync(new ChaosContext(kafka.Cluster, zooKeeper, ChaosSettings.Test, output.WriteLine));
        Assert.True(outcome.Passed, outcome.ToString());
        Assert.True(outcome.Report.Produced > 0 && outcome.Report.Processed >= outcome.Report.Produced, $"the run processed what it produced: {outcome.Report}");
    }
}
