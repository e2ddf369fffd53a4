namespace Sluice.Local.Kafka;

/// <summary>Kafka protocol API keys, for injecting request errors into the embedded cluster.</summary>
public enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    ApiVersions = 18,
    CreateTopics = 19,
    InitProducerId = 22,
    AddPartitionsToTxn = 24,
    EndTxn = 26,
    ConsumerGroupHeartbeat = 68,
}
