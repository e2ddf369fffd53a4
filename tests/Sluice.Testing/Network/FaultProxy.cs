using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Testing.Network;

/// <summary>
/// A TCP proxy for fault tests: listens on 127.0.0.1 (a free port) and forwards each connection to
/// <see cref="Target"/>, until told to <see cref="Cut"/>: every open connection is aborted (RST, as a
/// network failure looks to both ends) and new ones are refused the same way, until <see cref="Restore"/>.
/// A cut can name a marker: then only connections whose first client bytes carry it (ASCII) are aborted,
/// and a new one is aborted before the bytes carrying it are forwarded, so one client can be cut off while
/// the others stay connected (an executor's Hello carries its task id in clear text, h2c without compression).
/// </summary>
/// <remarks>Thread-safe. Each connection runs on two thread-pool pumps; nothing here blocks the caller.</remarks>
public sealed class FaultProxy : IAsyncDisposable
{
    /// <summary>How much of what a client sends first is kept for markers: a gRPC client's preface, headers and first message.</summary>
    public const int InspectedBytes = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<ProxiedConnection> _connections = [];
    private readonly HashSet<string> _cutMarkers = new(StringComparer.Ordinal);
    private readonly Task _accepting;
    private IPEndPoint? _target;
    private bool _cutAll;
    private int _aborted;

    /// <param name="target">Where connections go; may be set later through <see cref="Target"/> (before the first client).</param>
    public FaultProxy(IPEndPoint? target = null)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, for a client's address setting.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public IPEndPoint? Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }

    /// <summary>Connections forwarding now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate) return _connections.Count;
        }
    }

    /// <summary>Connections aborted or refused by cuts so far.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>
    /// Aborts every open connection (or, with <paramref name="marker"/>, those whose first client bytes carry it)
    /// and refuses the same kind of connection until <see cref="Restore"/>. Returns how many were open.
    /// </summary>
    public int Cut(string? marker = null)
    {
        List<ProxiedConnection> victims;
        lock (_gate)
        {
            if (marker is null)
            {
                _cutAll = true;
            }
            else
            {
                _cutMarkers.Add(marker);
            }
            victims = [.. _connections.Where(c => marker is null || c.Carries(marker))];
        }
        foreach (var connection in victims)
        {
            Abort(connection);
        }
        return victims.Count;
    }

    /// <summary>Lifts every cut: new connections are forwarded again (aborted ones stay aborted; clients reconnect).</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cutAll = false;
            _cutMarkers.Clear();
        }
    }

    private bool IsCut(ProxiedConnection connection)
    {
        lock (_gate)
        {
            return _cutAll || _cutMarkers.Any(connection.Carries);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        client.NoDelay = true;
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new ProxiedConnection(client, server);
        bool refused;
        lock (_gate)
        {
            refused = _cutAll || Target is null;
            if (!refused)
            {
                _connections.Add(connection);
            }
        }
        if (refused)
        {
            Abort(connection);
            return;
        }
        try
        {
            await server.ConnectAsync(Target!, _stop.Token);
            await Task.WhenAll(PumpAsync(connection, client, server, inspect: true), PumpAsync(connection, server, client, inspect: false));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The target refused, or the connection was cut or ended under a pump: either way it is over.
            connection.Close(reset: true);
        }
        finally
        {
            connection.Close(reset: false);
            lock (_gate)
            {
                _connections.Remove(connection);
            }
        }
    }

    /// <summary>One direction. A clean end of stream is passed on as a half-close; a cut ends both directions.</summary>
    private async Task PumpAsync(ProxiedConnection connection, Socket from, Socket to, bool inspect)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }
            if (inspect)
            {
                connection.Inspect(buffer.AsSpan(0, read));
                if (IsCut(connection))
                {
                    // Before forwarding: the bytes that carry the marker never reach the target.
                    Abort(connection);
                    return;
                }
            }
            var sent = 0;
            while (sent < read)
            {
                sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
            }
        }
    }

    private void Abort(ProxiedConnection connection)
    {
        if (connection.Close(reset: true))
        {
            Interlocked.Increment(ref _aborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        List<ProxiedConnection> open;
        lock (_gate)
        {
            open = [.. _connections];
        }
        foreach (var connection in open)
        {
            connection.Close(reset: true);
        }
        _stop.Dispose();
    }

    /// <summary>Both sockets of one proxied connection, and the first bytes its client sent.</summary>
    private sealed class ProxiedConnection(Socket client, Socket server)
    {
        private readonly Lock _gate = new();
        private readonly byte[] _prefix = new byte[InspectedBytes];
        private int _length;
        private int _closed;

        public void Inspect(ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                var take = Math.Min(bytes.Length, _prefix.Length - _length);
                bytes[..take].CopyTo(_prefix.AsSpan(_length));
                _length += take;
            }
        }

        public bool Carries(string marker)
        {
            lock (_gate)
            {
                return _prefix.AsSpan(0, _length).IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0;
            }
        }

        /// <summary>Closes both sockets once; with <paramref name="reset"/> as an abort (RST). True for the call that closed them.</summary>
        public bool Close(bool reset)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return false;
            }
            foreach (var socket in new[] { client, server })
            {
                if (reset && socket.Connected)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                socket.Dispose();
            }
            return true;
        }
    }
}
