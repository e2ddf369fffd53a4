using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;
using Sluice.Scheduler.Tests.State;
using Sluice.Testing.Logging;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.ControlPlane;

/// <summary>
/// The control-plane secret in ZooKeeper mode, against a real ZooKeeper server: generated once by the first
/// scheduler, read by every other (leader or standby), one secret after concurrent first starts, creator-only with
/// <c>--zk-auth</c>.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperControlPlaneSecretTests(ZooKeeperServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly LeaderInfo Self = new("s1", "http://s1:8080", "s1:8081");

    private readonly ZooKeeperSessions _sessions = new(server);
    private readonly string _framework = "secret-" + Guid.NewGuid().ToString("N")[..12];

    private string SecretPath => ZooKeeperLayout.ControlPlaneSecret(_framework);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _sessions.DisposeAsync().AsTask();

    [Fact]
    public async Task Leader_standby_and_a_later_scheduler_read_the_one_secret_the_first_generated()
    {
        var leader = await OpenAsync(Options(), Self);
        await leader.Leadership.WhenLeaderAsync().WaitAsync(Timeout);
        var standby = await OpenAsync(Options(), Self with { CandidateId = "s2" });

        await leader.DisposeAsync();
        var later = await OpenAsync(Options(), Self with { CandidateId = "s3" });

        Assert.Matches("^[0-9a-f]{64}$", leader.ControlPlaneSecret);
        Assert.Equal(leader.ControlPlaneSecret, standby.ControlPlaneSecret);
        Assert.Equal(leader.ControlPlaneSecret, later.ControlPlaneSecret);
        var anyone = await ClientAsync(null);
        Assert.Equal(leader.ControlPlaneSecret, Encoding.UTF8.GetString((await anyone.GetAsync(SecretPath)).Data));
    }

    [Fact]
    public async Task Concurrent_first_starts_end_with_one_secret()
    {
        // Through the whole start of two schedulers at once…
        var both = await Task.WhenAll(OpenAsync(Options(), Self), OpenAsync(Options(), Self with { CandidateId = "s2" }));
        Assert.Equal(both[0].ControlPlaneSecret, both[1].ControlPlaneSecret);

        // …and, many times over, the bare create race of three sessions on a fresh framework.
        var clients = new[] { await ClientAsync(null), await ClientAsync(null), await ClientAsync(null) };
        for (var round = 0; round < 10; round++)
        {
            var framework = $"{_framework}-{round}";
            await clients[0].EnsurePathAsync(ZooKeeperLayout.FrameworkRoot(framework));
            var secrets = await Task.WhenAll(clients.Select(client =>
                Task.Run(() => ZooKeeperControlPlaneSecret.ReadOrCreateAsync(client, framework, authenticated: false, NullLogger.Instance, default))));

            Assert.Single(secrets.Distinct());
            Assert.Equal(secrets[0], Encoding.UTF8.GetString((await clients[0].GetAsync(ZooKeeperLayout.ControlPlaneSecret(framework))).Data));
        }
    }

    [Fact]
    public async Task With_digest_auth_the_secret_is_creator_only_and_another_identity_gets_NoAuth()
    {
        var options = Options(zkAuth: "digest:sluice:s3cret");
        var state = await OpenAsync(options, Self);
        var anonymous = await ClientAsync(null);
        var intruder = await ClientAsync(new DigestCredentials("intruder", "s3cret"));
        var sameUser = await ClientAsync(new DigestCredentials("sluice", "s3cret"));

        foreach (var outsider in new[] { anonymous, intruder })
        {
            var error = await Assert.ThrowsAsync<ZooKeeperException>(() => outsider.GetAsync(SecretPath));
            Assert.Equal(ZooKeeperErrorCode.NoAuth, error.Code);
        }
        Assert.Equal(state.ControlPlaneSecret, Encoding.UTF8.GetString((await sameUser.GetAsync(SecretPath)).Data));
        Assert.Equal(state.ControlPlaneSecret, (await OpenAsync(options, Self with { CandidateId = "s2" })).ControlPlaneSecret);
    }

    [Fact]
    public async Task Without_digest_auth_every_start_warns_that_anyone_reaching_ZooKeeper_can_read_it()
    {
        var logs = new ListLoggerFactory();

        await OpenAsync(Options(), Self, logs);
        await OpenAsync(Options(), Self with { CandidateId = "s2" }, logs);

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("readable by anyone who can reach ZooKeeper", StringComparison.Ordinal));
        Assert.Equal(2, warnings.Count());
        Assert.Single(logs.Entries, e => e.Message.Contains("Generated the framework's control-plane secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_flag_wins_and_leaves_ZooKeeper_alone()
    {
        var state = await OpenAsync(Options(secret: "from-the-flag"), Self);

        Assert.Equal("from-the-flag", state.ControlPlaneSecret);
        Assert.Null(await (await ClientAsync(null)).ExistsAsync(SecretPath));
    }

    [Fact]
    public async Task A_node_found_empty_is_filled_with_a_new_secret()
    {
        var client = await ClientAsync(null);
        await client.EnsurePathAsync(SecretPath);

        var secret = await ZooKeeperControlPlaneSecret.ReadOrCreateAsync(client, _framework, authenticated: false, NullLogger.Instance, default);

        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal(secret, Encoding.UTF8.GetString((await client.GetAsync(SecretPath)).Data));
    }

    private SchedulerOptions Options(string? zkAuth = null, string? secret = null) =>
        new() { Zk = server.ConnectionString, FrameworkName = _framework, ZkAuth = zkAuth, ControlPlaneSecret = secret };

    private Task<SchedulerState> OpenAsync(SchedulerOptions options, LeaderInfo self, ILoggerFactory? logs = null) =>
        _sessions.OpenAsync(options, self, logs);

    private Task<ZooKeeperClient> ClientAsync(DigestCredentials? digest) => _sessions.ClientAsync(digest);
}
