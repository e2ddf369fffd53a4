namespace Sluice.Cli.Api;

/// <summary>One event of <c>GET /api/v1/events</c> (the SSE data of each event).</summary>
internal sealed record SchedulerEvent(
    long Sequence,
    string Type,
    string? Consumer,
    DateTimeOffset Time,
    string? Message,
    IReadOnlyDictionary<string, string>? Data);
