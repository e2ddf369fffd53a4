using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Sluice.Scheduler.Dashboard;

// In the root namespace, as ASP.NET Core puts its Map* extensions where their callers are: every host under
// Sluice.Scheduler.* finds app.MapSluiceDashboard() without a using.
namespace Sluice.Scheduler;

/// <summary>
/// The live dashboard (issue 10): a static page (<c>/</c>, <c>/dashboard/app.js</c>, <c>/dashboard/app.css</c>) embedded in
/// the scheduler assembly that reads the REST API and its event stream from the browser. No build step, no third-party
/// script, nothing fetched from another origin; the Content-Security-Policy allows only this origin's script, style and
/// connections (no inline script or style markup). See docs/dashboard.md.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>What the page may load: its own script, style and API, nothing inline, never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Revalidate every time (with the ETag, a 304 costs nothing), so a new scheduler's page is seen at once.</summary>
    public const string CacheControl = "no-cache";

    /// <summary>Maps the dashboard's three files; call after <c>MapSluiceApi()</c>.</summary>
    /// <exception cref="InvalidOperationException">A dashboard file is not embedded in the scheduler assembly.</exception>
    public static IEndpointRouteBuilder MapSluiceDashboard(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/", DashboardAsset.Load("index.html", "text/html; charset=utf-8"), "GetDashboard");
        Map(endpoints, "/dashboard/app.js", DashboardAsset.Load("app.js", "text/javascript; charset=utf-8"), "GetDashboardScript");
        Map(endpoints, "/dashboard/app.css", DashboardAsset.Load("app.css", "text/css; charset=utf-8"), "GetDashboardStyle");
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string pattern, DashboardAsset asset, string name) =>
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Serve(context, asset))
            .WithName(name)
            .ExcludeFromDescription();

    internal static IResult Serve(HttpContext context, DashboardAsset asset)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = CacheControl;
        headers.ETag = asset.ETag;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x"; * matches any existing file.
        var current = new EntityTagHeaderValue(asset.ETag);
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
