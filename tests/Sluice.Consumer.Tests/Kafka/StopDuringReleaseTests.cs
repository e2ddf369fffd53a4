using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary>
/// Stopping while a release has begun but not finished (its caller still waits for the drain, or gave up waiting):
/// the partition was already unassigned by the release, and the stop ends the consumer cleanly all the same.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StopDuringReleaseTests(KafkaFixture fixture)
{
    [Fact]
    public async Task StopAsync_WhileAReleaseWaitsForItsDrain_StopsWithoutError()
    {
        // The record in flight never finishes: the stop gives it its 1 s, the release its 3 s.
        var (consumer, tp, _, _) = await StartStuckAtOffset3Async("stop-during-release", stopTimeout: TimeSpan.FromSeconds(1));
        await using (consumer)
        {
            var release = consumer.ReleaseAsync(tp, 1, TimeSpan.FromSeconds(3));
            await Eventually.TrueAsync(() => consumer.GetProgress().Single().State == Progress.PartitionState.Releasing, TimeSpan.FromSeconds(5), "releasing");

            await Eventually.WithinAsync(consumer.StopAsync(), TimeSpan.FromSeconds(10), "the stop ends the consumer");

            // The release answers or finds the consumer stopped; it does not hang.
            await Eventually.WithinAsync(release.ContinueWith(_ => { }, TaskScheduler.Default), TimeSpan.FromSeconds(10), "the release answers");
            Assert.Empty(consumer.GetProgress());
        }
    }

    [Fact]
    public async Task StopAsync_AfterAReleaseWasCancelledMidDrain_StopsWithoutError()
    {
        var (consumer, tp, gate, processed) = await StartStuckAtOffset3Async("stop-after-cancelled-release");
        await using (consumer)
        {
            using var cancel = new CancellationTokenSource();
            var release = consumer.ReleaseAsync(tp, 1, TimeSpan.FromSeconds(30), cancel.Token);
            await Eventually.TrueAsync(() => consumer.GetProgress().Single().State == Progress.PartitionState.Releasing, TimeSpan.FromSeconds(5), "releasing");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => release);
            gate.SetResult();

            await Eventually.WithinAsync(consumer.StopAsync(), TimeSpan.FromSeconds(10), "the stop ends the consumer");

            Assert.Equal([0L, 1, 2, 3], processed.Order());
            Assert.Empty(consumer.GetProgress());
        }
    }

    /// <summary>A consumer owning partition 0 of a new topic of 10 records, its handler held at offset 3 until the gate opens.</summary>
    private async Task<(SluiceConsumer Consumer, TopicPartition Partition, TaskCompletionSource Gate, ConcurrentQueue<long> Processed)> StartStuckAtOffset3Async(string prefix, TimeSpan? stopTimeout = null)
    {
        var topic = await fixture.CreateTopicAsync(prefix, 1);
        var tp = new TopicPartition(topic, 0);
        await TestKafka.ProduceAsync(fixture, topic, 1, 10);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ConcurrentQueue<long>();
        var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions { StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(10) })
            .SetHandler(async (message, ct) =>
            {
                if (message.Offset == 3)
                {
                    await gate.Task.WaitAsync(ct);
                }
                processed.Enqueue(message.Offset);
            })
            .Build();
        await consumer.StartAsync();
        await consumer.AssignAsync(tp, 0, 1);
        await Eventually.TrueAsync(() => consumer.GetProgress().Single().InFlight == 1 && processed.Count == 3, TimeSpan.FromSeconds(10), "offset 3 in flight");
        return (consumer, tp, gate, processed);
    }
}
