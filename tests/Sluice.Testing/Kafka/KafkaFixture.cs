using Xunit;
using Sluice.Testing.Containers;

namespace Sluice.Testing.Kafka;

/// <summary>
/// One Kafka per xunit collection: a container where a Docker engine answers, else the embedded
/// mock cluster. Tests create their own uniquely named topics with <see cref="CreateTopicAsync"/>.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    private IKafkaTestCluster? _cluster;

    public IKafkaTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The Kafka fixture has not started.");

    public string BootstrapServers => Cluster.BootstrapServers;

    public int FetchWaitMaxMs => Cluster.FetchWaitMaxMs;

    public async Task InitializeAsync()
    {
        _cluster = ContainerMode.UseContainers
            ? await ContainerKafkaCluster.StartAsync()
            : new EmbeddedKafkaCluster(brokers: 3);
    }

    /// <summary>Creates a topic named after <paramref name="prefix"/> plus a fresh GUID, and returns its name.</summary>
    public async Task<string> CreateTopicAsync(string prefix, int partitions)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        await Cluster.CreateTopicAsync(name, partitions);
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
