using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary>One embedded Kafka for every integration test of this project.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
