using Sluice.EndToEnd.World;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests;

/// <summary>Starting an end-to-end <see cref="SluiceWorld"/> on the collection's Kafka, logging into the test's output.</summary>
internal static class EndToEndWorlds
{
    public static Task<SluiceWorld> StartWorldAsync(this KafkaFixture kafka, ITestOutputHelper output, SluiceWorldOptions? options = null) =>
        SluiceWorld.StartAsync(kafka.Cluster, (options ?? new SluiceWorldOptions()) with { Log = output.WriteLine });
}
