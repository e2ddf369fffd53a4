using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sluice.Scheduler.State;

namespace Sluice.Scheduler.Api;

/// <summary>What the endpoints use, bound from DI with <c>[AsParameters]</c>.</summary>
internal sealed record ApiServices(
    [FromServices] IStateStore Store,
    [FromServices] OperationTracker Operations,
    [FromServices] SchedulerEvents Events,
    [FromServices] IConsumerChangeSink Sink,
    [FromServices] IOptions<SluiceApiOptions> Options)
{
    /// <summary>Attempts of a read-modify-write against concurrent writers (the engine updates tasks) before 409.</summary>
    public const int WriteAttempts = 3;

    public long MaxBodyBytes => Options.Value.MaxRequestBodyBytes;
}
