using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Testing;
using Sluice.Testing.Network;

namespace Sluice.Integration.Tests.Faults;

/// <summary>The fault proxy with real sockets on loopback, in front of an echo server that keeps what reached it.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly EchoServer _echo = new();
    private FaultProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _proxy = new FaultProxy(_echo.EndPoint);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task Forward_BothWays_AndPassesOnAHalfClose()
    {
        using var client = await ConnectAsync();

        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await client.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Timeout)); // the echo server saw the end and closed
        Assert.Contains("hello", _echo.Received);
    }

    [Fact]
    public async Task Cut_AbortsEveryOpenConnection_AndRefusesNewOnes_UntilRestored()
    {
        using var open = await ConnectAsync();
        Assert.Equal("before", await RoundTripAsync(open, "before"));

        Assert.Equal(1, _proxy.Cut());

        await Assert.ThrowsAsync<SocketException>(() => RoundTripAsync(open, "during"));
        // Refused: the proxy resets a new connection, which the client sees on connecting or on its first round trip.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var refused = await ConnectAsync();
            await RoundTripAsync(refused, "refused");
        });
        Assert.DoesNotContain(_echo.Received, r => r.Contains("during") || r.Contains("refused"));

        _proxy.Restore();
        using var again = await ConnectAsync();
        Assert.Equal("after", await RoundTripAsync(again, "after"));
        Assert.Equal(2, _proxy.Aborted);
    }

    [Fact]
    public async Task Cut_WithAMarker_AbortsOnlyTheConnectionsThatCarriedIt_AndStopsNewOnesBeforeTheMarkerIsForwarded()
    {
        using var marked = await ConnectAsync();
        using var other = await ConnectAsync();
        Assert.Equal("hello task-7", await RoundTripAsync(marked, "hello task-7"));
        Assert.Equal("hello task-8", await RoundTripAsync(other, "hello task-8"));

        Assert.Equal(1, _proxy.Cut("task-7"));

        await Assert.ThrowsAsync<SocketException>(() => RoundTripAsync(marked, "more"));
        Assert.Equal("still here", await RoundTripAsync(other, "still here"));
        using var markedAgain = await ConnectAsync();
        await Assert.ThrowsAsync<SocketException>(() => RoundTripAsync(markedAgain, "hello again task-7"));
        Assert.DoesNotContain(_echo.Received, r => r.Contains("again", StringComparison.Ordinal));
        using var unmarked = await ConnectAsync();
        Assert.Equal("hello task-9", await RoundTripAsync(unmarked, "hello task-9"));

        _proxy.Restore();
        using var restored = await ConnectAsync();
        Assert.Equal("hello task-7", await RoundTripAsync(restored, "hello task-7"));
    }

    [Fact]
    public async Task A_target_that_refuses_is_a_reset_for_the_client()
    {
        await using var nowhere = new FaultProxy(new IPEndPoint(IPAddress.Loopback, FreePort()));
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);

        // The reset may reach the client while it is still connecting, or on its first round trip.
        var error = await Record.ExceptionAsync(async () =>
        {
            await client.ConnectAsync(IPAddress.Loopback, nowhere.Port);
            await RoundTripAsync(client, "anyone?");
        });
        Assert.IsType<SocketException>(error);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, _proxy.Port).WaitAsync(Timeout);
        return socket;
    }

    /// <summary>Sends <paramref name="text"/> and reads back as many bytes; a reset or an early end throws <see cref="SocketException"/>.</summary>
    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await socket.SendAsync(bytes, SocketFlags.None).WaitAsync(Timeout);
        var buffer = new byte[bytes.Length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            read += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Echoes every connection's bytes back and keeps each read's text; closes a connection when its client half-closes.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public EchoServer()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public ConcurrentQueue<string> Received { get; } = new();

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    _ = Task.Run(() => EchoAsync(socket));
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }

        private async Task EchoAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[4096];
                try
                {
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token)) > 0)
                    {
                        Received.Enqueue(Encoding.ASCII.GetString(buffer, 0, read));
                        await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    // The proxy reset it (a cut): that is the point of the tests.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }
}
