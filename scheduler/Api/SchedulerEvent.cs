namespace Sluice.Scheduler.Api;

/// <summary>
/// One framework or consumer change, as the event stream (<c>GET /api/v1/events</c>) sends it: the SSE event type is
/// <see cref="Type"/>, its data this record as JSON.
/// </summary>
/// <param name="Sequence">Increasing number given by the hub; gaps mean a slow reader lost events.</param>
/// <param name="Type">What happened, e.g. <c>consumer.created</c>, <c>operation.succeeded</c>, <c>task.running</c>.</param>
/// <param name="Consumer">The consumer concerned, or null for framework events.</param>
/// <param name="Time">When it was published.</param>
/// <param name="Message">Human-readable detail.</param>
/// <param name="Data">Small event-specific fields (e.g. <c>instances</c>, <c>operationId</c>).</param>
internal sealed record SchedulerEvent(
    long Sequence,
    string Type,
    string? Consumer,
    DateTimeOffset Time,
    string? Message,
    IReadOnlyDictionary<string, string>? Data);
