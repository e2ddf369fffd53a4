using Sluice.Testing.Kafka;

namespace Sluice.Executor.Tests;

/// <summary>One embedded Kafka for every test of this project that needs one (handlers, rehearsal).</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
