using System.Collections.Concurrent;
using System.Diagnostics;
using Sluice.Mesos.Executor;
using Sluice.Mesos.Tests.Executor;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using Sluice.Testing;
using Sluice.Testing.Logging;
using Xunit.Abstractions;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Mesos.Tests.Fuzz;

/// <summary>
/// Issue 11, "Bad input", the executor's side of Mesos: a stand-in agent answers thousands of
/// SUBSCRIBEs with bad event streams (<see cref="EventStreamFuzz"/>). A checkpointing executor
/// must report each one and re-subscribe, never throw out of its event sequence, and deliver its
/// updates once the agent behaves.
/// </summary>
public sealed class ExecutorClientFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Subscribe_ThousandsOfBadStreams_NeverThrows_ThenSubscribesAndDeliversUpdates()
    {
        // Arrange
        var random = new Random(20261129);
        var fuzz = new EventStreamFuzz(random, ScriptedAgent.Subscribed(), EventSeeds.Executor(ScriptedAgent.Subscribed()));
        var inputs = new ConcurrentQueue<(string Kind, byte[] Body)>();
        for (var i = 0; i < EventStreamFuzz.Inputs; i++)
        {
            inputs.Enqueue(fuzz.Next());
        }

        var kinds = new ConcurrentDictionary<string, int>();
        var good = 0;
        var logs = new ListLoggerFactory();
        await using var agent = await FakeMesosServer.StartAsync(async exchange =>
        {
            if (exchange.ExecutorCall.Type != Call.Types.Type.Subscribe)
            {
                await exchange.ReplyAsync(202);
                return;
            }

            var stream = await exchange.OpenStreamAsync(streamId: null);
            if (inputs.TryDequeue(out var input))
            {
                kinds.AddOrUpdate(input.Kind, 1, (_, n) => n + 1);
                await stream.SendRawAsync(input.Body);
                return;
            }

            Interlocked.Increment(ref good);
            await stream.SendAsync(ScriptedAgent.Subscribed());
            await stream.RunAsync();
        });
        await using var client = new MesosExecutorClientBuilder(new ExecutorEnvironment(
                agent.BaseUrl, "fw-1", "exec-1", "/tmp/sandbox", null, Checkpoint: true,
                RecoveryTimeout: TimeSpan.FromMinutes(10), SubscriptionBackoffMax: TimeSpan.FromMilliseconds(2),
                ShutdownGracePeriod: TimeSpan.FromSeconds(3), AuthenticationToken: null))
            .WithInitialBackoff(TimeSpan.FromMilliseconds(1))
            .WithCallTimeout(TimeSpan.FromSeconds(10))
            .UseLoggerFactory(logs)
            .Build();
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();

        // Act: a checkpointing executor's sequence only ends when it gives up, which it must not here.
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in client.SubscribeAsync(stop.Token))
                {
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        await Eventually.TrueAsync(
            () => consumer.IsCompleted || (inputs.IsEmpty && Volatile.Read(ref good) > 0 && client.State is ExecutorConnectionState.Subscribed),
            TimeSpan.FromSeconds(30) * Math.Max(1, EventStreamFuzz.Inputs / 2000),
            $"every bad stream answered and a good subscription made ({inputs.Count} inputs left, state {client.State})");
        Assert.False(consumer.IsCompleted, $"the event sequence ended: {consumer.Exception?.ToString() ?? client.State.ToString()}");

        // Assert: updates reach the agent, and each bad stream was reported.
        var uuid = await client.SendUpdateAsync(new TaskStatus { TaskId = new TaskID { Value = "t-after" }, State = TaskState.TaskRunning }, Bounded.Deadline());
        Assert.Contains(SnapshotCalls(agent), c => c.Type == Call.Types.Type.Update && c.Update.Status.Uuid == uuid);
        Assert.Contains(logs.Entries, e => e.Exception is Sluice.Mesos.RecordIO.RecordIOException);
        Assert.Contains(logs.Entries, e => e.Exception is Google.Protobuf.InvalidProtocolBufferException);
        await stop.CancelAsync();
        await Bounded.WithinAsync(consumer, "the consumer to stop");
        output.WriteLine($"{EventStreamFuzz.Inputs} bad SUBSCRIBE answers in {watch.Elapsed.TotalSeconds:F1} s: "
            + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}×{k.Value}")));
    }

    private static List<Call> SnapshotCalls(FakeMesosServer agent)
    {
        lock (agent.Requests)
        {
            return [.. agent.Requests.Select(r => r.ExecutorCall)];
        }
    }
}
