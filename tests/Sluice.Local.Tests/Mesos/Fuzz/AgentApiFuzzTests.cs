using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Testing;
using Sluice.Testing.Fuzz;
using Sluice.Testing.Logging;
using Xunit.Abstractions;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using ExecutorCall = Sluice.Proto.Mesos.V1.Executor.Call;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos.Fuzz;

/// <summary>
/// Issue 11, "Bad input", the local agent's side: thousands of bad calls at
/// <c>POST /api/v1/executor</c>, addressed to a live executor (the test speaks for it) so that
/// mutations reach the call handlers. Never a 5xx, never an error logged, and afterwards the
/// executor subscribes and its updates are acknowledged.
/// </summary>
public sealed class AgentApiFuzzTests(ITestOutputHelper output)
{
    private const string ExecutorId = "fuzz-executor";
    private const string TaskId = "fuzz-task";

    [Fact]
    public async Task Fuzz_ExecutorEndpoint_NeverA5xxOrAnError_AndTheAgentKeepsWorking()
    {
        // Arrange: a custom executor whose process never subscribes by itself.
        var logs = new ListLoggerFactory { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Warning };
        await using var world = await StartWorldAsync(configure: o =>
        {
            o.LoggerFactory = logs;
            o.ExecutorRegistrationTimeout = TimeSpan.FromMinutes(5);
        });
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("fuzz"));
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, SilentExecutorTask(offer));
        var agent = world.Agents[0];
        await Eventually.TrueAsync(async () => await agent.RunningProcessCountAsync() == 1, Slow, "the executor's process started");
        var endpoint = new Uri($"http://{agent.Endpoint}/api/v1/executor");
        var seeds = CallSeeds.Executor(scheduler.FrameworkId, ExecutorId, TaskId);
        var random = new Random(20261201);
        var mutator = new ByteMutator(random);
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();

        // Act
        for (var i = 0; i < FuzzRequest.Inputs; i++)
        {
            var request = FuzzRequest.Next(random, mutator, seeds, streamId: null);
            var status = await request.SendAsync(http, endpoint, CancellationToken.None);

            var key = status?.ToString() ?? "closed";
            statuses[key] = statuses.GetValueOrDefault(key) + 1;
            // Messages built only on failure: the log grows with every request.
            if (status >= 500 || logs.ErrorCount > 0)
            {
                Assert.Fail($"input #{i} ({request.Kind}) answered {status?.ToString() ?? "nothing"}; errors logged: {string.Join(" | ", logs.Errors)}");
            }
        }

        // Assert: the executor subscribes, and an update is taken and acknowledged.
        using var subscribe = await PostAsync(http, endpoint, new ExecutorCall
        {
            Type = ExecutorCall.Types.Type.Subscribe,
            ExecutorId = new ExecutorID { Value = ExecutorId },
            FrameworkId = new FrameworkID { Value = scheduler.FrameworkId },
            Subscribe = new ExecutorCall.Types.Subscribe(),
        });
        Assert.Equal(HttpStatusCode.OK, subscribe.StatusCode);
        await using var events = new RecordIOReader(await subscribe.Content.ReadAsStreamAsync());
        var subscribed = await NextEventAsync(events, e => e.Type == ExecutorEvent.Types.Type.Subscribed);
        Assert.Equal(ExecutorId, subscribed.Subscribed.ExecutorInfo.ExecutorId.Value);
        var uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
        using var update = await PostAsync(http, endpoint, new ExecutorCall
        {
            Type = ExecutorCall.Types.Type.Update,
            ExecutorId = new ExecutorID { Value = ExecutorId },
            FrameworkId = new FrameworkID { Value = scheduler.FrameworkId },
            Update = new ExecutorCall.Types.Update { Status = new TaskStatus { TaskId = new TaskID { Value = TaskId }, State = TaskState.TaskRunning, Uuid = uuid } },
        });
        Assert.Equal(HttpStatusCode.Accepted, update.StatusCode);
        await NextEventAsync(events, e => e.Type == ExecutorEvent.Types.Type.Acknowledged && e.Acknowledged.Uuid == uuid);
        output.WriteLine($"{FuzzRequest.Inputs} bad calls in {watch.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var expected in new[] { "202", "400", "405", "406", "415" })
        {
            Assert.Contains(expected, statuses.Keys);
        }
        Assert.Empty(logs.Errors);
    }

    private static TaskInfo SilentExecutorTask(Offer offer)
    {
        var executor = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = new ExecutorID { Value = ExecutorId },
            Command = new CommandInfo { Value = "sleep 600" },
            Resources = { Scalar("cpus", 0.1), Scalar("mem", 32) },
        };
        return new TaskInfo
        {
            Name = TaskId,
            TaskId = new TaskID { Value = TaskId },
            AgentId = offer.AgentId,
            Executor = executor,
            Resources = { Scalar("cpus", 0.1), Scalar("mem", 32) },
        };
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri endpoint, ExecutorCall call)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = TestScheduler.Body(call) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FuzzRequest.Protobuf));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<ExecutorEvent> NextEventAsync(RecordIOReader events, Func<ExecutorEvent, bool> match)
    {
        using var deadline = new CancellationTokenSource(Quick);
        while (true)
        {
            var next = await events.ReadAsync(static body => ExecutorEvent.Parser.ParseFrom(body), deadline.Token)
                ?? throw new InvalidOperationException("The agent closed the executor's event stream.");
            if (match(next))
            {
                return next;
            }
        }
    }
}
