using System.Collections.Concurrent;
using System.Diagnostics;
using Sluice.Mesos.Scheduler;
using Sluice.Mesos.Tests.Scheduler;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing;
using Sluice.Testing.Logging;
using Xunit.Abstractions;

namespace Sluice.Mesos.Tests.Fuzz;

/// <summary>
/// Issue 11, "Bad input", the scheduler's side of Mesos: a stand-in master on loopback answers
/// thousands of SUBSCRIBEs with bad event streams and bad answers (<see cref="EventStreamFuzz"/>).
/// The client must report each one and re-subscribe: never throw out of its event sequence,
/// never allocate what a frame header announces beyond its maximum, and subscribe normally once
/// the master behaves.
/// </summary>
public sealed class SchedulerClientFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Subscribe_ThousandsOfBadStreamsAndAnswers_NeverThrows_ThenSubscribesAndCalls()
    {
        // Arrange: every input decided up front from one seed, so a failure names a replayable index.
        var random = new Random(20261128);
        var fuzz = new EventStreamFuzz(random, ScriptedMaster.Subscribed(5), EventSeeds.Scheduler(ScriptedMaster.Subscribed(5)));
        var inputs = new ConcurrentQueue<(int Index, string Kind, byte[] Body)>();
        for (var i = 0; i < EventStreamFuzz.Inputs; i++)
        {
            var (kind, body) = random.Next(20) == 0 ? (Answers[random.Next(Answers.Length)], []) : fuzz.Next();
            inputs.Enqueue((i, kind, body));
        }

        var kinds = new ConcurrentDictionary<string, int>();
        var logs = new ListLoggerFactory();
        await using var master = await ScriptedMaster.StartAsync();
        master.OnSubscribe = (exchange, number) =>
        {
            if (!inputs.TryDequeue(out var input))
            {
                return master.AcceptSubscribeAsync(exchange, number);
            }

            kinds.AddOrUpdate(input.Kind, 1, (_, n) => n + 1);
            // The recorded requests would otherwise hold every SUBSCRIBE body of the run.
            lock (master.Server.Requests)
            {
                master.Server.Requests.Clear();
            }

            return AnswerAsync(exchange, number, input.Kind, input.Body);
        };
        await using var client = new MesosSchedulerClientBuilder(new FrameworkInfo { User = "", Name = "sluice-fuzz" })
            .UseMasters(master.BaseUrl)
            .WithBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2))
            .WithCallTimeout(TimeSpan.FromSeconds(10))
            .UseLoggerFactory(logs)
            .Build();
        using var stop = new CancellationTokenSource();
        var errorEvents = 0;
        var watch = Stopwatch.StartNew();

        // Act: iterate the events as a scheduler would; an ERROR event ends the sequence by design,
        // so the loop subscribes again. Any other exception faults the loop and fails the test.
        var consumer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await foreach (var e in client.SubscribeAsync(stop.Token))
                    {
                        errorEvents += e.Type == Event.Types.Type.Error ? 1 : 0;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        });
        await Eventually.TrueAsync(
            () => consumer.IsCompleted || (inputs.IsEmpty && client.State is SchedulerConnectionState.Subscribed { StreamId: var id } && id.StartsWith("stream-", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30) * Math.Max(1, EventStreamFuzz.Inputs / 2000),
            $"every bad input answered and a good subscription made ({inputs.Count} inputs left, state {client.State})");
        Assert.False(consumer.IsFaulted, $"the event sequence threw: {consumer.Exception}");

        // Assert: the client still works, and each bad input was reported, not swallowed.
        await client.CallAsync(SchedulerCalls.Revive(), Bounded.Deadline());
        Assert.StartsWith("stream-", Assert.Single(master.Calls).StreamId);
        Assert.Contains(logs.Entries, e => e.Exception is Sluice.Mesos.RecordIO.RecordIOException);
        Assert.Contains(logs.Entries, e => e.Exception is Google.Protobuf.InvalidProtocolBufferException);
        await stop.CancelAsync();
        await Bounded.WithinAsync(consumer, "the consumer to stop");
        output.WriteLine($"{EventStreamFuzz.Inputs} bad SUBSCRIBE answers in {watch.Elapsed.TotalSeconds:F1} s, {errorEvents} ERROR events re-subscribed after: "
            + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}×{k.Value}")));
    }

    /// <summary>Answers other than a 200 stream that the client retries.</summary>
    private static readonly string[] Answers = ["503", "500", "redirect to a dead port", "redirect without Location", "no stream id", "JSON stream"];

    private static async Task AnswerAsync(FakeExchange exchange, int number, string kind, byte[] body)
    {
        switch (kind)
        {
            case "503":
                await exchange.ReplyAsync(503, "No leader elected");
                return;
            case "500":
                await exchange.ReplyAsync(500, "Internal Server Error");
                return;
            case "redirect to a dead port":
                await exchange.ReplyAsync(307, location: "//127.0.0.1:9/api/v1/scheduler");
                return;
            case "redirect without Location":
                await exchange.ReplyAsync(307);
                return;
            case "no stream id":
                (await exchange.OpenStreamAsync(streamId: null)).Close();
                return;
            case "JSON stream":
                await (await exchange.OpenStreamAsync($"fuzz-{number}", "application/json")).SendRawAsync("20\n{\"type\":\"HEARTBEAT\"}"u8.ToArray());
                return;
        }

        var stream = await exchange.OpenStreamAsync($"fuzz-{number}");
        await stream.SendRawAsync(body);
    }
}
