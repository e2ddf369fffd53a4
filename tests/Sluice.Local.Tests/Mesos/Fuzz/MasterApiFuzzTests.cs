using System.Diagnostics;
using Sluice.Proto.Mesos.V1;
using Sluice.Testing.Fuzz;
using Sluice.Testing.Logging;
using Xunit.Abstractions;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;

namespace Sluice.Local.Tests.Mesos.Fuzz;

/// <summary>
/// Issue 11, "Bad input", the local master's side: thousands of bad calls at
/// <c>POST /api/v1/scheduler</c> (<see cref="FuzzRequest"/>), addressed to a live framework and
/// stream so that mutations reach the call handlers. Never a 5xx, never an error logged by the
/// master or its HTTP server, and afterwards a new scheduler subscribes, gets offers and calls.
/// </summary>
public sealed class MasterApiFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzz_SchedulerEndpoint_NeverA5xxOrAnError_AndTheMasterKeepsWorking()
    {
        // Arrange
        var logs = new ListLoggerFactory { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Warning };
        await using var world = await StartWorldAsync(configure: o => o.LoggerFactory = logs);
        var endpoint = new Uri(world.MasterUrl, "api/v1/scheduler");
        var agentId = world.Agents[0].Id;
        var random = new Random(20261130);
        var mutator = new ByteMutator(random);
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var resubscriptions = 0;
        var watch = Stopwatch.StartNew();
        var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("fuzz"));

        // Act: a mutated TEARDOWN or SUBSCRIBE may end the framework's stream; a new one takes over.
        try
        {
            for (var i = 0; i < FuzzRequest.Inputs; i++)
            {
                if (scheduler.StreamEnded)
                {
                    await scheduler.DisposeAsync();
                    scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("fuzz"));
                    resubscriptions++;
                }

                var request = FuzzRequest.Next(random, mutator, CallSeeds.Scheduler(scheduler.FrameworkId, agentId), scheduler.StreamId);
                var status = await request.SendAsync(http, endpoint, CancellationToken.None);

                var key = status?.ToString() ?? "closed";
                statuses[key] = statuses.GetValueOrDefault(key) + 1;
                // Messages built only on failure: the log grows with every request.
                if (status >= 500 || logs.ErrorCount > 0)
                {
                    Assert.Fail($"input #{i} ({request.Kind}) answered {status?.ToString() ?? "nothing"}; errors logged: {string.Join(" | ", logs.Errors)}");
                }
            }
        }
        finally
        {
            await scheduler.DisposeAsync();
        }

        // Assert: a new framework subscribes, is offered the agent's resources and can call.
        await using var fresh = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("after-fuzz"));
        var offer = await fresh.NextOfferAsync(Quick);
        await fresh.DeclineAsync([offer], refuseSeconds: 0);
        Assert.Equal(4, offer.Resources.Single(r => r.Name == "cpus").Scalar.Value);
        Assert.NotNull(await MasterStateAsync(world));
        output.WriteLine($"{FuzzRequest.Inputs} bad calls in {watch.Elapsed.TotalSeconds:F1} s, {resubscriptions} re-subscriptions: "
            + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var expected in new[] { "202", "400", "405", "406", "415" })
        {
            Assert.Contains(expected, statuses.Keys);
        }
    }
}
