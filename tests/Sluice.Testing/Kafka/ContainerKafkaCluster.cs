using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Testcontainers.Kafka;

namespace Sluice.Testing.Kafka;

/// <summary>A real Kafka broker in a container, where a Docker engine answers.</summary>
public sealed class ContainerKafkaCluster : IKafkaTestCluster
{
    private readonly KafkaContainer _container;

    private ContainerKafkaCluster(KafkaContainer container)
    {
        _container = container;
        BootstrapServers = container.GetBootstrapAddress();
    }

    public string BootstrapServers { get; }

    public string Description => $"Kafka container at {BootstrapServers}";

    public int FetchWaitMaxMs => 100;

    public static async Task<ContainerKafkaCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var container = new KafkaBuilder("confluentinc/cp-kafka:7.6.1").Build();
        await container.StartAsync(cancellationToken);
        return new ContainerKafkaCluster(container);
    }

    public async Task CreateTopicAsync(string name, int partitions, CancellationToken cancellationToken = default)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
