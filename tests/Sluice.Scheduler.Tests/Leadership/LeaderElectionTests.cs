using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Scheduler.Tests.State;
using Sluice.Testing;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;
using Xunit.Abstractions;

namespace Sluice.Scheduler.Tests.Leadership;

[Collection(ZooKeeperCollection.Name)]
public sealed class LeaderElectionTests(ZooKeeperServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _framework = "fw-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    [Fact]
    public async Task First_contender_leads_and_the_others_stand_by_knowing_its_addresses()
    {
        var (a, b, c) = await StartThreeAsync();

        Assert.Equal(LeadershipState.Leader, a.Election.State);
        Assert.True(a.Election.CanCommand);
        Assert.False(a.Election.CommandToken.IsCancellationRequested);
        Assert.NotNull(a.Election.CurrentToken);
        foreach (var standby in new[] { b, c })
        {
            await Eventually.TrueAsync(() => standby.Election.State == LeadershipState.Standby, Timeout, "standby");
            Assert.False(standby.Election.CanCommand);
            Assert.Null(standby.Election.CurrentToken);
            Assert.Equal(new LeaderInfo("a", "http://a:8080", "http://a:8081"), await standby.Election.GetLeaderAsync());
        }
    }

    [Fact]
    public async Task Each_standby_watches_only_its_predecessor()
    {
        var (a, b, c) = await StartThreeAsync();
        await Eventually.TrueAsync(() => b.Election.State == LeadershipState.Standby && c.Election.State == LeadershipState.Standby, Timeout, "standbys");

        // wchp: every watched path, then the sessions watching it (indented).
        await Eventually.TrueAsync(async () =>
        {
            var watches = ParseWatchesByPath(await server.SendFourLetterWordAsync("wchp"));
            return watches.GetValueOrDefault(b.Election.NodePath!)?.SetEquals([c.SessionHex]) == true
                   && watches.GetValueOrDefault(a.Election.NodePath!)?.Contains(b.SessionHex) == true;
        }, Timeout, "b watching a, c watching b");
        var watches = ParseWatchesByPath(await server.SendFourLetterWordAsync("wchp"));
        Assert.DoesNotContain(c.SessionHex, watches[a.Election.NodePath!]);
    }

    [Fact]
    public async Task Expiring_the_leaders_session_elects_exactly_one_successor_within_the_session_timeout()
    {
        var (a, b, c) = await StartThreeAsync();
        var sessionTimeout = a.Client.NegotiatedSessionTimeout;
        var bothStandbysLed = false;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                bothStandbysLed |= b.Election.State == LeadershipState.Leader && c.Election.State == LeadershipState.Leader;
                await Task.Delay(5);
            }
        });

        // The server ends a's session; b must take over within the session timeout of that moment.
        var expired = Stopwatch.StartNew();
        await SessionExpiry.ExpireAsync(a.Client, server.ConnectionString, until: () => b.Election.State == LeadershipState.Leader);
        var elected = expired.Elapsed;
        await Eventually.TrueAsync(() => a.Election.State == LeadershipState.Lost, Timeout, "a to learn it lost");
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"successor elected {elected.TotalMilliseconds:0} ms after starting the expiry (session timeout {sessionTimeout.TotalMilliseconds:0} ms)");
        Assert.True(elected < sessionTimeout, $"successor took {elected}");
        Assert.False(bothStandbysLed, "b and c led at the same time");
        Assert.Equal(LeadershipState.Leader, b.Election.State);
        Assert.Equal(LeadershipState.Standby, c.Election.State);
        Assert.False(a.Election.CanCommand);
        Assert.True(a.Election.CommandToken.IsCancellationRequested);
        Assert.Equal(new LeaderInfo("b", "http://b:8080", "http://b:8081"), await c.Election.GetLeaderAsync());
    }

    [Fact]
    public async Task Deposed_leader_multi_is_rejected()
    {
        var (a, b, _) = await StartThreeAsync();
        var consumer = await Store(a.Client, a.Election).PutConsumerAsync(StateSamples.Consumer("orders"), StateVersion.New);
        var ownership = await Store(a.Client, a.Election).PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 1), StateVersion.New);
        var staleToken = a.Election.CurrentToken!;

        await SessionExpiry.ExpireAsync(a.Client, server.ConnectionString, until: () => b.Election.State == LeadershipState.Leader);

        // Right away, while a may still believe it leads (its client learns of the expiry at its next ping at worst):
        await Assert.ThrowsAsync<StateFencedException>(() =>
            Store(a.Client, a.Election).PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 2), ownership.Version));
        // Its stale token through a healthy session (e.g. a late write after reconnecting with a new client): the multi's check fails.
        await using var healthy = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = server.ConnectionString });
        var e = await Assert.ThrowsAsync<StateFencedException>(() =>
            Store(healthy, new FixedFence(staleToken)).PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 2), ownership.Version));
        Assert.Equal(0, Assert.IsType<ZooKeeperMultiException>(e.InnerException).FailedIndex);
        Assert.Equal(1, (await Store(healthy, b.Election).GetOwnershipAsync("orders"))!.Value.Partitions[0].Epoch);

        // The new leader writes at the same version: it wins.
        var moved = await Store(b.Client, b.Election).PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 2), ownership.Version);
        Assert.Equal(ownership.Version + 1, moved.Version);
        Assert.Equal(consumer.Version, (await Store(b.Client, b.Election).GetConsumerAsync("orders"))!.Version);
    }

    [Fact]
    public async Task Resigning_leader_hands_leadership_to_the_next_contender()
    {
        var (a, b, c) = await StartThreeAsync();

        await a.Election.DisposeAsync();

        await b.Election.WhenLeaderAsync().WaitAsync(Timeout);
        Assert.Equal(LeadershipState.Resigned, a.Election.State);
        Assert.Null(await a.Client.ExistsAsync(a.Election.NodePath!));
        Assert.Equal(LeadershipState.Standby, c.Election.State);
    }

    [Fact]
    public async Task Every_later_leader_has_a_greater_term_so_executors_can_tell_a_deposed_leaders_hint()
    {
        var (a, b, c) = await StartThreeAsync();
        var terms = new List<long> { a.Election.Term };

        await a.Election.DisposeAsync();
        await b.Election.WhenLeaderAsync().WaitAsync(Timeout);
        terms.Add(b.Election.Term);
        var restarted = await StartAsync("a2");
        await b.Election.DisposeAsync();
        await c.Election.WhenLeaderAsync().WaitAsync(Timeout);
        terms.Add(c.Election.Term);
        await c.Election.DisposeAsync();
        await restarted.Election.WhenLeaderAsync().WaitAsync(Timeout);
        terms.Add(restarted.Election.Term);

        Assert.True(terms[0] >= 1, $"terms start at 1: {terms[0]}");
        Assert.Equal(terms.Order(), terms);
        Assert.Equal(terms.Count, terms.Distinct().Count());
    }

    [Fact]
    public async Task Leader_suspends_commanding_while_disconnected_and_resumes_after_reconnecting()
    {
        var states = new ConcurrentQueue<LeadershipState>();
        var a = await StartAsync("a", election => election.StateChanged += (_, state) => states.Enqueue(state));
        await a.Election.WhenLeaderAsync().WaitAsync(Timeout);
        var firstTerm = a.Election.CommandToken;

        await server.KillAsync();
        try
        {
            await Eventually.TrueAsync(() => a.Election.State == LeadershipState.Suspended, Timeout, "suspension on disconnect");
            Assert.False(a.Election.CanCommand);
            Assert.Null(a.Election.CurrentToken);
            Assert.True(firstTerm.IsCancellationRequested);
        }
        finally
        {
            await server.RestartAsync();
        }

        // A standalone server restores its sessions on restart: same session, same node, leadership resumes.
        await a.Election.WhenLeaderAsync().WaitAsync(Timeout);
        Assert.True(a.Election.CanCommand);
        Assert.False(a.Election.CommandToken.IsCancellationRequested);
        await Eventually.TrueAsync(() => states.Count(s => s == LeadershipState.Leader) == 2, Timeout, "the second Leader event");
        Assert.Equal([LeadershipState.Standby, LeadershipState.Leader, LeadershipState.Suspended, LeadershipState.Leader], states.ToArray());
    }

    private ZooKeeperStateStore Store(IZooKeeperClient client, IFencingTokenSource fence) =>
        new(client, _framework, fence, NullLogger<ZooKeeperStateStore>.Instance);

    private async Task<(Contender A, Contender B, Contender C)> StartThreeAsync()
    {
        var a = await StartAsync("a");
        await a.Election.WhenLeaderAsync().WaitAsync(Timeout);
        var b = await StartAsync("b");
        var c = await StartAsync("c");
        await new ZooKeeperStateStore(a.Client, _framework, a.Election, NullLogger<ZooKeeperStateStore>.Instance).InitializeAsync();
        return (a, b, c);
    }

    private async Task<Contender> StartAsync(string name, Action<LeaderElection>? beforeStart = null)
    {
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectionString = server.ConnectionString,
            SessionTimeout = TimeSpan.FromSeconds(6),
        });
        _owned.Add(client);
        var election = new LeaderElection(client, _framework, new LeaderInfo(name, $"http://{name}:8080", $"http://{name}:8081"),
            NullLogger<LeaderElection>.Instance);
        _owned.Add(election);
        beforeStart?.Invoke(election);
        await election.StartAsync();
        return new Contender(client, election);
    }

    private static Dictionary<string, HashSet<string>> ParseWatchesByPath(string wchp)
    {
        var result = new Dictionary<string, HashSet<string>>();
        HashSet<string>? current = null;
        foreach (var line in wchp.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (char.IsWhiteSpace(line[0])) current?.Add(line.Trim());
            else result[line.Trim()] = current = [];
        }

        return result;
    }

    private sealed record Contender(ZooKeeperClient Client, LeaderElection Election)
    {
        public string SessionHex => Client.Session!.ToString();
    }

    private sealed class FixedFence(FencingToken token) : IFencingTokenSource
    {
        public FencingToken? CurrentToken => token;
    }
}
