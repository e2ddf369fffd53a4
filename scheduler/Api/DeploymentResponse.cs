using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>A deployment as the API shows it, with the share of partitions each version owns now.</summary>
internal sealed record DeploymentResponse(
    string Id,
    string Consumer,
    string FromVersion,
    string ToVersion,
    string Status,
    int Step,
    IReadOnlyList<int> Steps,
    double BakeSeconds,
    bool AutoPromote,
    bool Promoted,
    IReadOnlyDictionary<string, int> Partitions,
    IReadOnlyList<GateResponse> Gates,
    string? Message,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    string Href)
{
    public static DeploymentResponse From(Deployment d, IReadOnlyDictionary<string, int> partitions) => new(
        d.Id,
        d.Consumer,
        d.FromVersion,
        d.ToVersion,
        ApiNames.Of(d.Status),
        d.CurrentStep,
        [.. d.Steps.Select(s => s.PercentOfPartitions)],
        d.Steps.Count == 0 ? 0 : d.Steps[0].BakeTime.TotalSeconds,
        d.AutoPromote,
        d.Promoted,
        partitions,
        [.. d.Gates.Select(g => new GateResponse(g.Name, g.Threshold, g.Value, g.Passed))],
        d.Message,
        d.CreatedAt,
        d.UpdatedAt,
        $"/api/v1/consumers/{d.Consumer}/deployments/{d.Id}");
}

internal sealed record GateResponse(string Name, double Threshold, double? Value, bool? Passed);
