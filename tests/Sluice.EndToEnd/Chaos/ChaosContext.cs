using Sluice.Testing.Kafka;

namespace Sluice.EndToEnd.Chaos;

/// <summary>What a scenario runs on: a Kafka (the embedded one for injected broker faults), a ZooKeeper server when it needs one, a log.</summary>
/// <param name="ZooKeeper">A ZooKeeper connect string (<c>127.0.0.1:port</c>), or null where none runs.</param>
internal sealed record ChaosContext(IKafkaTestCluster Kafka, string? ZooKeeper, ChaosSettings Settings, Action<string> Log)
{
    public EmbeddedKafkaCluster EmbeddedKafka => Kafka as EmbeddedKafkaCluster
        ?? throw new InvalidOperationException($"this scenario injects broker faults and needs the embedded Kafka, not {Kafka.Description}");

    public string RequireZooKeeper() => ZooKeeper
        ?? throw new InvalidOperationException("this scenario needs a ZooKeeper server (scheduler standbys keep their state there)");
}
