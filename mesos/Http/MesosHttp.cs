using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;

namespace Sluice.Mesos.Http;

/// <summary>HTTP details shared by the scheduler and executor clients.</summary>
internal static class MesosHttp
{
    /// <summary>Protobuf encoding of calls and events.</summary>
    public const string ProtobufMediaType = "application/x-protobuf";

    /// <summary>Response header of a scheduler SUBSCRIBE; request header of every later scheduler call.</summary>
    public const string StreamIdHeader = "Mesos-Stream-Id";

    // Mesos explains its 4xx answers in a short text body; more than this is not an explanation.
    private const int MaxErrorBodyLength = 4096;

    public static HttpRequestMessage CreatePost(Uri endpoint, IMessage call, AuthenticationHeaderValue? authorization)
    {
        var content = new ByteArrayContent(call.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufMediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content, Version = HttpVersion.Version11 };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProtobufMediaType));
        request.Headers.Authorization = authorization;
        return request;
    }

    public static AuthenticationHeaderValue BasicAuthorization(string principal, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{principal}:{secret}")));

    /// <summary>Reads at most a few KiB of an error answer's body, as text; never throws.</summary>
    public static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyLength];
            int total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return $"(body unreadable: {e.Message})";
        }
    }

    /// <summary>
    /// Resolves a redirect's <c>Location</c> against the URL that answered. Mesos sends it
    /// scheme-relative (<c>//host:port/api/v1/scheduler</c>), which takes the scheme of the request.
    /// </summary>
    public static Uri? ResolveRedirect(Uri requestUri, HttpResponseMessage response)
    {
        if (response.Headers.Location is { } location)
        {
            return location.IsAbsoluteUri ? location : new Uri(requestUri, location);
        }

        // HttpClient parses Location strictly; fall back to the raw header.
        return response.Headers.TryGetValues("Location", out var values) && values.FirstOrDefault() is { Length: > 0 } raw
            && Uri.TryCreate(requestUri, raw, out var resolved)
            ? resolved
            : null;
    }

    /// <summary>Appends <paramref name="path"/> (no leading slash) to a master or agent base URL.</summary>
    public static Uri Endpoint(Uri baseUrl, string path)
    {
        var builder = new UriBuilder(baseUrl);
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        builder.Path += path;
        return builder.Uri;
    }

    /// <summary>5xx answers other than 501 are worth retrying (503: no leader yet, or the master is recovering).</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 && status != HttpStatusCode.NotImplemented;
}
