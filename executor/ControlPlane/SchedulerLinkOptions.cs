namespace Sluice.Executor.ControlPlane;

/// <summary>Who the executor is and how it reaches the scheduler's control plane.</summary>
internal sealed record SchedulerLinkOptions
{
    /// <summary><c>host:port</c> (or an http:// URL) of the scheduler's control-plane endpoint (HTTP/2 without TLS).</summary>
    public required string Address { get; init; }

    public required string TaskId { get; init; }

    public required string Consumer { get; init; }

    public required string Version { get; init; }

    public required string ExecutorId { get; init; }

    /// <summary>The per-task secret from TaskData, echoed in Hello.</summary>
    public string AuthSecret { get; init; } = "";

    /// <summary>Silence from the scheduler for this long fences the consumer; replaced by the Welcome's value.</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often Progress is sent; replaced by the Welcome's value.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Turns <see cref="Address"/> into the URI gRPC needs.</summary>
    public static Uri ToUri(string address) =>
        address.StartsWith("http://", StringComparison.Ordinal) || address.StartsWith("https://", StringComparison.Ordinal)
            ? new Uri(address)
            : new Uri("http://" + address);
}
