using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Reads topic metadata through one admin client, cached per topic for <c>refresh</c> so a converge
/// round every second does not ask Kafka every second. New partitions show up within the refresh.
/// </summary>
internal sealed partial class KafkaPartitionSource(string bootstrapServers, TimeSpan refresh, TimeProvider time, ILogger<KafkaPartitionSource> logger)
    : IPartitionSource, IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);
    private readonly Lazy<IAdminClient> _admin = new(() => new AdminClientBuilder(new AdminClientConfig
    {
        BootstrapServers = bootstrapServers,
        // The scheduler only reads metadata: never create a topic by asking about it.
        AllowAutoCreateTopics = false,
    }).Build());
    private readonly Dictionary<string, (int Count, long ReadAt)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<IReadOnlyList<PartitionKey>> GetPartitionsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        var result = new List<PartitionKey>();
        foreach (var topic in topics)
        {
            var count = await CountAsync(topic, cancellationToken);
            for (var p = 0; p < count; p++)
            {
                result.Add(new PartitionKey(topic, p));
            }
        }
        return result;
    }

    private async Task<int> CountAsync(string topic, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(topic, out var cached) && time.GetElapsedTime(cached.ReadAt) < refresh)
            {
                return cached.Count;
            }
        }
        var count = await Task.Run(() => ReadCount(topic), cancellationToken);
        lock (_gate)
        {
            if (_cache.TryGetValue(topic, out var previous) && previous.Count != count)
            {
                LogPartitionsChanged(topic, previous.Count, count);
            }
            _cache[topic] = (count, time.GetTimestamp());
        }
        return count;
    }

    private int ReadCount(string topic)
    {
        try
        {
            var metadata = _admin.Value.GetMetadata(topic, MetadataTimeout);
            var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
            if (found is null || found.Error.IsError)
            {
                LogTopicUnknown(topic, found?.Error.Reason ?? "not in the metadata");
                return 0;
            }
            return found.Partitions.Count;
        }
        catch (KafkaException ex)
        {
            // Keep what was known: a Kafka outage must not look like a topic without partitions.
            lock (_gate)
            {
                LogMetadataFailed(topic, ex.Error.Reason);
                return _cache.TryGetValue(topic, out var cached) ? cached.Count : 0;
            }
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "[Kafka] topic {Topic} has no partitions to assign: {Reason}")]
    private partial void LogTopicUnknown(string topic, string reason);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "[Kafka] reading the metadata of {Topic} failed (kept what was known): {Reason}")]
    private partial void LogMetadataFailed(string topic, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "[Kafka] topic {Topic} went from {Before} to {After} partitions")]
    private partial void LogPartitionsChanged(string topic, int before, int after);
}
