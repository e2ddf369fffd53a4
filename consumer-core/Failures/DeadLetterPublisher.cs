using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Sluice.Consumer.Failures;

/// <summary>
/// Produces failed messages to <c>&lt;topic&gt;&lt;suffix&gt;</c> with the original key, value,
/// headers and timestamp, plus <c>sluice-original-topic</c>, <c>-partition</c>, <c>-offset</c>
/// and <c>-error</c> headers. The producer is built on first use (or by <see cref="WarmUp"/>); it is thread-safe.
/// </summary>
internal sealed class DeadLetterPublisher(ProducerConfig config, string suffix, string? topic = null) : IDisposable
{
    public const string OriginalTopicHeader = "sluice-original-topic";
    public const string OriginalPartitionHeader = "sluice-original-partition";
    public const string OriginalOffsetHeader = "sluice-original-offset";
    public const string ErrorHeader = "sluice-error";
    private const int MaxErrorLength = 1024;

    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer = new(() => new ProducerBuilder<byte[]?, byte[]?>(config).Build());

    public string TopicFor(string consumed) => topic ?? consumed + suffix;

    /// <summary>
    /// Builds the producer now and connects it by reading <paramref name="metadataTopic"/>'s metadata through it (a
    /// consumed topic: asking for the dead-letter topic's could create it on a broker that creates topics on demand).
    /// </summary>
    /// <exception cref="KafkaException">The cluster did not answer within <paramref name="timeout"/>.</exception>
    public void WarmUp(string metadataTopic, TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(_producer.Value.Handle).Build();
        admin.GetMetadata(metadataTopic, timeout);
    }

    public async Task PublishAsync(ConsumedMessage message, Exception error, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        if (message.Headers is { } original)
        {
            foreach (var header in original)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }
        headers.Add(OriginalTopicHeader, Encoding.UTF8.GetBytes(message.Topic));
        headers.Add(OriginalPartitionHeader, Encoding.UTF8.GetBytes(message.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(OriginalOffsetHeader, Encoding.UTF8.GetBytes(message.Offset.ToString(CultureInfo.InvariantCulture)));
        var text = $"{error.GetType().FullName}: {error.Message}";
        headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(text.Length > MaxErrorLength ? text[..MaxErrorLength] : text));

        await _producer.Value.ProduceAsync(
            TopicFor(message.Topic),
            new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Headers = headers, Timestamp = message.Timestamp },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}
