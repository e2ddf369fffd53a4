using Sluice.Testing.Kafka;

namespace Sluice.Integration.Tests;

/// <summary>Tests that share one Kafka (each with its own topics).</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
