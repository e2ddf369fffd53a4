using System.Net.Sockets;

namespace Sluice.Testing.Containers;

/// <summary>
/// Decides whether fixtures use Testcontainers or the embedded servers. <c>SLUICE_TEST_CONTAINERS</c>:
/// <c>auto</c> (default: containers when a Docker engine answers), <c>never</c>, or <c>always</c>
/// (fail when no engine answers).
/// </summary>
public static class ContainerMode
{
    public const string Variable = "SLUICE_TEST_CONTAINERS";

    private static readonly Lazy<bool> EngineAnswers = new(ProbeDockerEngine);

    /// <summary>True when fixtures should start containers.</summary>
    public static bool UseContainers
    {
        get
        {
            var mode = (Environment.GetEnvironmentVariable(Variable) ?? "auto").Trim().ToLowerInvariant();
            return mode switch
            {
                "never" => false,
                "auto" or "" => EngineAnswers.Value,
                "always" => EngineAnswers.Value
                    ? true
                    : throw new InvalidOperationException($"{Variable}=always, but no Docker engine answers on {DockerEndpoint()}."),
                _ => throw new InvalidOperationException($"{Variable} must be auto, never or always, not '{mode}'."),
            };
        }
    }

    /// <summary>A short human-readable reason, for test output.</summary>
    public static string Describe() => UseContainers
        ? $"Docker engine at {DockerEndpoint()}: using Testcontainers"
        : $"no Docker engine at {DockerEndpoint()} (or {Variable}=never): using embedded servers";

    private static string DockerEndpoint() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    /// <summary>Asks the engine for <c>/_ping</c> with a short timeout: a socket file alone proves nothing.</summary>
    private static bool ProbeDockerEngine()
    {
        var endpoint = DockerEndpoint();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            Socket socket;
            if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = endpoint["unix://".Length..];
                if (!File.Exists(path))
                {
                    return false;
                }
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token).AsTask().GetAwaiter().GetResult();
            }
            else if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme == "tcp")
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.ConnectAsync(uri.Host, uri.Port, cts.Token).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                return false;
            }

            using (socket)
            using (var stream = new NetworkStream(socket))
            {
                var request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray();
                stream.Write(request);
                var buffer = new byte[256];
                var read = stream.ReadAsync(buffer, cts.Token).AsTask().GetAwaiter().GetResult();
                var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                return answer.Contains(" 200 ", StringComparison.Ordinal);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
