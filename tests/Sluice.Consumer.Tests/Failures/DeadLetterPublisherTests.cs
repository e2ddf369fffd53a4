using Confluent.Kafka;
using Sluice.Consumer.Failures;

namespace Sluice.Consumer.Tests.Failures;

public sealed class DeadLetterPublisherTests
{
    private static readonly ProducerConfig Nowhere = new() { BootstrapServers = "127.0.0.1:9" };

    [Fact]
    public void Without_a_named_topic_dead_letters_go_to_the_consumed_topic_plus_the_suffix()
    {
        using var publisher = new DeadLetterPublisher(Nowhere, ".dlq");

        Assert.Equal("orders.dlq", publisher.TopicFor("orders"));
        Assert.Equal("payments.dlq", publisher.TopicFor("payments"));
    }

    [Fact]
    public void A_named_dead_letter_topic_takes_the_dead_letters_of_every_consumed_topic()
    {
        using var publisher = new DeadLetterPublisher(Nowhere, ".dlq", "failed-records");

        Assert.Equal("failed-records", publisher.TopicFor("orders"));
        Assert.Equal("failed-records", publisher.TopicFor("payments"));
    }
}
