using Sluice.Local.Kafka;

namespace Sluice.Local.Tests.Kafka;

public sealed class EmbeddedKafkaApiTests
{
    [Fact]
    public void Start_listens_on_loopback_with_one_address_per_broker()
    {
        using var kafka = EmbeddedKafka.Start(brokers: 3);

        var addresses = kafka.BootstrapServers.Split(',');
        Assert.Equal(3, addresses.Length);
        Assert.All(addresses, a => Assert.StartsWith("127.0.0.1:", a, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateTopic_twice_fails_with_the_brokers_reason()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("twice", 1);

        var error = Assert.Throws<EmbeddedKafkaException>(() => kafka.CreateTopic("twice", 1));
        Assert.Contains("create topic 'twice'", error.Message, StringComparison.Ordinal);
        Assert.Contains("TopicAlreadyExists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broker_ids_outside_the_cluster_are_rejected_with_the_valid_range()
    {
        using var kafka = EmbeddedKafka.Start(brokers: 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => kafka.SetBrokerDown(3));
        Assert.Contains("from 1 to 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => kafka.CreateTopic("rf", 1, replicationFactor: 3));
    }

    [Fact]
    public void A_disposed_cluster_refuses_further_use_and_disposes_twice_safely()
    {
        var kafka = EmbeddedKafka.Start();
        kafka.Dispose();
        kafka.Dispose();

        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("late", 1));
    }
}
