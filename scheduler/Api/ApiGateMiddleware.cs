using Microsoft.AspNetCore.Http;

namespace Sluice.Scheduler.Api;

/// <summary>
/// In front of everything under <c>/api</c>: only the leader serves it, so a standby answers <c>307 Temporary
/// Redirect</c> to the same path and query on the leader (307 keeps the method and body), or 503 while no leader is
/// known; on the leader, a mutating request without the API token gets 401 whatever its route.
/// <c>/health</c>, <c>/metrics</c> and <c>/openapi</c> pass through on every instance.
/// </summary>
internal sealed class ApiGateMiddleware(RequestDelegate next, IApiLeadership leadership, ApiToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        if (!leadership.IsLeader)
        {
            return Redirect(context);
        }
        return token.Allows(context.Request) ? next(context) : ApiToken.Unauthorized(context).ExecuteAsync(context);
    }

    private Task Redirect(HttpContext context)
    {
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
