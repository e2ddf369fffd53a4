namespace Sluice.Local.Kafka;

/// <summary>The embedded Kafka (librdkafka's mock cluster) could not be started or driven.</summary>
public sealed class EmbeddedKafkaException : Exception
{
    public EmbeddedKafkaException(string message) : base(message)
    {
    }

    public EmbeddedKafkaException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
