using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sluice.Testing;
using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class SessionTests(ZooKeeperServer server) : ZooKeeperTestBase(server)
{
    [Fact]
    public async Task Connect_reports_Connected_with_a_session_and_negotiated_timeout()
    {
        var client = await ConnectAsync();

        Assert.Equal(ZooKeeperState.Connected, client.State);
        Assert.NotNull(client.Session);
        Assert.NotEqual(0L, client.Session.Id);
        Assert.Equal(16, client.Session.Password.Length);
        Assert.InRange(client.NegotiatedSessionTimeout, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task Connect_to_a_port_without_server_fails_with_ConnectionLoss_after_the_timeout()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectionString = "127.0.0.1:" + UnusedPort(),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }));

        Assert.Equal(ZooKeeperErrorCode.ConnectionLoss, e.Code);
    }

    [Fact]
    public async Task Session_expiry_is_reported_final_and_removes_the_ephemeral_nodes()
    {
        var victim = await ConnectAsync();
        var states = new ConcurrentQueue<ZooKeeperState>();
        victim.StateChanged += (_, state) => states.Enqueue(state);
        var ephemeral = await victim.CreateAsync(Root + "/lease", default, CreateMode.Ephemeral);

        await SessionExpiry.ExpireAsync(victim, Server.ConnectionString);

        await Eventually.TrueAsync(() => states.Contains(ZooKeeperState.Expired), Timeout, "the Expired event");
        Assert.Equal(ZooKeeperState.Expired, states.Last());
        Assert.Equal(ZooKeeperState.Expired, victim.State);
        Assert.Null(await Client.ExistsAsync(ephemeral));
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => victim.GetAsync(Root));
        Assert.Equal(ZooKeeperErrorCode.SessionExpired, e.Code);
        Assert.Equal(0, victim.PendingCount);
    }

    [Fact]
    public async Task Operations_after_dispose_throw_ObjectDisposedException()
    {
        var client = await ConnectAsync();
        await client.DisposeAsync();

        Assert.Equal(ZooKeeperState.Closed, client.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetAsync(Root));
        await client.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Dispose_with_operations_in_flight_completes_every_one_of_them()
    {
        var client = await ConnectAsync();
        await client.CreateAsync(Root + "/busy", default, CreateMode.Persistent);
        var operations = Enumerable.Range(0, 3000)
            .Select(i => (Task)client.SetAsync(Root + "/busy", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ZooKeeperVersion.Any))
            .ToList();

        await client.DisposeAsync();

        // Each either succeeded or failed with Closing (completed by the C client or by the sweep); none hangs.
        await Eventually.WithinAsync(Task.WhenAll(operations).ContinueWith(_ => { }, TaskScheduler.Default), Timeout, "all operations to complete");
        foreach (var operation in operations.Where(o => o.IsFaulted))
        {
            var e = Assert.IsType<ZooKeeperException>(operation.Exception!.InnerException);
            Assert.Contains(e.Code, new[] { ZooKeeperErrorCode.Closing, ZooKeeperErrorCode.ConnectionLoss });
        }

        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task State_changes_are_raised_off_the_native_threads_in_order()
    {
        var client = await ConnectAsync();
        var raised = new ConcurrentQueue<(ZooKeeperState State, bool ThreadPool)>();
        client.StateChanged += (_, state) => raised.Enqueue((state, Thread.CurrentThread.IsThreadPoolThread));

        await SessionExpiry.ExpireAsync(client, Server.ConnectionString);
        await client.DisposeAsync();

        await Eventually.TrueAsync(() => raised.Any(r => r.State == ZooKeeperState.Closed), Timeout, "the Closed event");
        Assert.All(raised, r => Assert.True(r.ThreadPool));
        var states = raised.Select(r => r.State).ToList();
        Assert.True(states.IndexOf(ZooKeeperState.Expired) < states.IndexOf(ZooKeeperState.Closed), string.Join(",", states));
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
