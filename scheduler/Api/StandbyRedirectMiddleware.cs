using Microsoft.AspNetCore.Http;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Only the leader serves <c>/api</c>: on a standby every request under it is answered <c>307 Temporary Redirect</c>
/// to the same path and query on the leader (307 keeps the method and body), or 503 while no leader is known.
/// <c>/health</c>, <c>/metrics</c> and <c>/openapi</c> are served everywhere.
/// </summary>
internal sealed class StandbyRedirectMiddleware(RequestDelegate next, IApiLeadership leadership)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || leadership.IsLeader)
        {
            return next(context);
        }
        var leader = leadership.LeaderApiUrl;
        if (leader is null)
        {
            return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "No leader", "This scheduler is a standby and no leader is known yet; retry later.")
                .ExecuteAsync(context);
        }
        var target = new Uri(leader, context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent());
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = target.AbsoluteUri;
        return Task.CompletedTask;
    }
}
