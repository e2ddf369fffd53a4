using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Sluice.Scheduler.Api;

/// <summary>
/// The API token check: when a token is configured, mutating requests (anything but GET, HEAD, OPTIONS) must carry
/// <c>Authorization: Bearer &lt;token&gt;</c>, else 401. The comparison takes the same time whatever the token
/// (SHA-256 of both sides, compared with <see cref="CryptographicOperations.FixedTimeEquals"/>), so neither content
/// nor length leaks. Applied by <see cref="ApiGateMiddleware"/> (before routing answers 404/405/415, so nothing is
/// learnt without the token) and again by <see cref="BearerTokenFilter"/> on every endpoint of the group.
/// </summary>
internal sealed class ApiToken(IOptions<SluiceApiOptions> options)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.Value.ApiToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiToken));

    /// <summary>True when the request may proceed.</summary>
    public bool Allows(HttpRequest request)
    {
        if (_expected is null || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return true;
        }
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }

    public static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
            "This scheduler requires 'Authorization: Bearer <token>' (its --api-token) on every mutating request.");
    }
}

/// <summary>The token check on the <c>/api/v1</c> endpoints, so they are safe even without <see cref="ApiGateMiddleware"/>.</summary>
internal sealed class BearerTokenFilter(ApiToken token) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        token.Allows(context.HttpContext.Request) ? next(context) : ValueTask.FromResult<object?>(ApiToken.Unauthorized(context.HttpContext));
}
