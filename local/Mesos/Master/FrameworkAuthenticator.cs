using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Local.Mesos.Master;

/// <summary>
/// HTTP basic authentication of schedulers, as Mesos' master does with
/// <c>--authenticate_http_frameworks</c> and <c>--credentials</c>: every request to the scheduler
/// API carries <c>Authorization: Basic base64(principal:secret)</c> of a known credential, or is
/// answered 401 with <c>WWW-Authenticate: Basic realm="mesos"</c>.
/// </summary>
/// <remarks>Secrets are compared as SHA-256 digests in constant time: the answer does not tell how much of a guess was right.</remarks>
internal sealed class FrameworkAuthenticator
{
    public const string Realm = "mesos";

    private readonly Dictionary<string, byte[]> _digests;

    public FrameworkAuthenticator(IReadOnlyDictionary<string, string> credentials)
    {
        _digests = credentials.ToDictionary(c => c.Key, c => Digest(c.Value), StringComparer.Ordinal);
    }

    /// <summary>False when no credentials are configured: every request is let through, as by a master without authentication.</summary>
    public bool Enabled => _digests.Count > 0;

    /// <summary>The authenticated principal, or null when the request's credentials are missing, malformed or wrong.</summary>
    public string? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }
        var principal = decoded[..colon];
        // An unknown principal still costs a comparison, so timing does not tell principals apart.
        var expected = _digests.TryGetValue(principal, out var known) ? known : Digest(Guid.NewGuid().ToString());
        return CryptographicOperations.FixedTimeEquals(expected, Digest(decoded[(colon + 1)..])) && known is not null ? principal : null;
    }

    /// <summary>Answers 401 with the challenge a Mesos master sends.</summary>
    public static Task ChallengeAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Unauthorized: the scheduler API needs the credentials of a framework principal", context.RequestAborted);
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
