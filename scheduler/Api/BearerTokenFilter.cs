using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Sluice.Scheduler.Api;

/// <summary>
/// When an API token is configured, mutating requests (anything but GET, HEAD, OPTIONS) must carry
/// <c>Authorization: Bearer &lt;token&gt;</c>, else 401. The comparison takes the same time whatever the token
/// (SHA-256 of both sides, compared with <see cref="CryptographicOperations.FixedTimeEquals"/>), so neither content
/// nor length leaks.
/// </summary>
internal sealed class BearerTokenFilter(IOptions<SluiceApiOptions> options) : IEndpointFilter
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.Value.ApiToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiToken));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (_expected is null || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }
        if (IsAuthorized(request.Headers.Authorization.ToString()))
        {
            return next(context);
        }
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(ApiProblems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
            "This scheduler requires 'Authorization: Bearer <token>' (its --api-token) on every mutating request."));
    }

    private bool IsAuthorized(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
