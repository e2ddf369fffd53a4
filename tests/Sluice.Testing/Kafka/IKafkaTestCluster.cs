namespace Sluice.Testing.Kafka;

/// <summary>A Kafka the tests talk to over the wire: the embedded mock cluster or a container.</summary>
public interface IKafkaTestCluster : IAsyncDisposable
{
    /// <summary>Bootstrap address reachable from this and other processes.</summary>
    string BootstrapServers { get; }

    /// <summary>What it is, for test output.</summary>
    string Description { get; }

    /// <summary>A <c>fetch.wait.max.ms</c> that keeps consumers responsive on this cluster.</summary>
    int FetchWaitMaxMs { get; }

    /// <summary>Creates a topic and waits until its metadata is visible.</summary>
    Task CreateTopicAsync(string name, int partitions, CancellationToken cancellationToken = default);
}
