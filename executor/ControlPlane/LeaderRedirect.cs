using Grpc.Core;

namespace Sluice.Executor.ControlPlane;

/// <summary>
/// A standby scheduler refuses a control-plane stream with <see cref="StatusCode.Unavailable"/> and
/// names the leader's control-plane address in the <see cref="TrailerName"/> trailer.
/// </summary>
public static class LeaderRedirect
{
    public const string TrailerName = "sluice-leader-address";

    public static string? AddressFrom(RpcException exception) =>
        exception.Trailers.GetValue(TrailerName) is { Length: > 0 } address ? address : null;
}
