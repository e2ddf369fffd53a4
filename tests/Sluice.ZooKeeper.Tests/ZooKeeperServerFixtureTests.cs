using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperFixtureCollection.Name)]
public sealed class ZooKeeperServerFixtureTests(ZooKeeperServer server)
{
    [Fact]
    public async Task Server_answers_ruok_and_srvr()
    {
        Assert.Equal("imok", await server.SendFourLetterWordAsync("ruok"));
        var srvr = await server.SendFourLetterWordAsync("srvr");
        Assert.Contains("Zookeeper version:", srvr);
        Assert.Contains("Mode: standalone", srvr);
    }

    [Fact]
    public async Task Server_keeps_its_data_across_kill_and_restart()
    {
        var path = "/fixture-" + Guid.NewGuid().ToString("N");
        var options = new ZooKeeperClientOptions { ConnectionString = server.ConnectionString, SessionTimeout = TimeSpan.FromSeconds(6) };
        await using (var writer = await ZooKeeperClient.ConnectAsync(options))
        {
            await writer.CreateAsync(path, "before the kill"u8.ToArray(), CreateMode.Persistent);
        }

        var port = server.Port;
        await server.KillAsync();
        Assert.False(server.IsRunning);
        Assert.False(await FourLetterWords.IsOkAsync(server.Host, server.Port, TimeSpan.FromSeconds(1)));

        await server.RestartAsync();

        Assert.Equal(port, server.Port);
        Assert.Equal("imok", await server.SendFourLetterWordAsync("ruok"));
        await using var reader = await ZooKeeperClient.ConnectAsync(options);
        var node = await reader.GetAsync(path);
        Assert.Equal("before the kill", System.Text.Encoding.UTF8.GetString(node.Data));
    }
}

public sealed class ZooKeeperServerStartupErrorTests
{
    [Fact]
    public async Task Missing_zookeeper_jars_fail_with_a_message_that_says_how_to_install_them()
    {
        await using var server = new EmbeddedZooKeeperServer(jarDirectory: "/nonexistent/java");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("zookeeper.jar", e.Message);
        Assert.Contains("./test.sh", e.Message);
    }

    [Fact]
    public async Task Missing_java_fails_with_a_message_that_says_how_to_install_it()
    {
        await using var server = new EmbeddedZooKeeperServer(findJava: () => null);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("java", e.Message);
        Assert.Contains("./test.sh", e.Message);
    }
}
