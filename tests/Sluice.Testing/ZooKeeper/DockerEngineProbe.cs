using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// Answers quickly whether a Docker engine is reachable: <c>DOCKER_HOST</c> (unix:// or tcp://) or
/// <c>/var/run/docker.sock</c>, probed with <c>GET /_ping</c> under a short timeout.
/// </summary>
public static class DockerEngineProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly Lazy<Task<bool>> Cached = new(ProbeAsync);

    /// <summary>The probe's answer, computed once per process.</summary>
    public static Task<bool> IsAvailableAsync() => Cached.Value;

    private static async Task<bool> ProbeAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endPoint;
        if (string.IsNullOrEmpty(host))
        {
            const string socketPath = "/var/run/docker.sock";
            if (!File.Exists(socketPath)) return false;
            endPoint = new UnixDomainSocketEndPoint(socketPath);
        }
        else if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            endPoint = new UnixDomainSocketEndPoint(host["unix://".Length..]);
        }
        else if (host.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            endPoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return false;
        }

        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            var protocol = endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
            var family = endPoint is UnixDomainSocketEndPoint ? AddressFamily.Unix : AddressFamily.Unspecified;
            using var socket = family == AddressFamily.Unix
                ? new Socket(AddressFamily.Unix, SocketType.Stream, protocol)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.", StringComparison.Ordinal)
                && Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
