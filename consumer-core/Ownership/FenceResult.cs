namespace Sluice.Consumer.Ownership;

/// <summary>What <see cref="SluiceConsumer.FenceAsync"/> did.</summary>
/// <param name="Partitions">How many partitions it fenced (those already fenced or releasing are not counted).</param>
/// <param name="Drained">Every message started before the fence finished within the drain timeout.</param>
/// <param name="Committed">The last commit reached Kafka (or there was nothing new to commit).</param>
/// <param name="Duration">From the fence to the last commit.</param>
public readonly record struct FenceResult(int Partitions, bool Drained, bool Committed, TimeSpan Duration);
