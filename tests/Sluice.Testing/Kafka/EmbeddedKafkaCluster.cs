using Sluice.Local.Kafka;

namespace Sluice.Testing.Kafka;

/// <summary>The embedded mock cluster as a test cluster; exposes <see cref="Kafka"/> for fault injection.</summary>
public sealed class EmbeddedKafkaCluster(int brokers = 1) : IKafkaTestCluster
{
    public EmbeddedKafka Kafka { get; } = EmbeddedKafka.Start(brokers);

    public string BootstrapServers => Kafka.BootstrapServers;

    public string Description => $"embedded Kafka (librdkafka mock cluster, {Kafka.BrokerCount} broker(s)) at {BootstrapServers}";

    public int FetchWaitMaxMs => EmbeddedKafka.RecommendedFetchWaitMaxMs;

    public Task CreateTopicAsync(string name, int partitions, CancellationToken cancellationToken = default)
    {
        Kafka.CreateTopic(name, partitions);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        return ValueTask.CompletedTask;
    }
}
