using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Sluice.Cli.Api;

/// <summary>
/// HTTP+JSON client of the scheduler's REST API. Every failure becomes a <see cref="CliException"/> with the exit code
/// the README promises: a 4xx answer <see cref="ExitCode.Refused"/>, a 5xx <see cref="ExitCode.ServerError"/>, no
/// connection or no answer in time <see cref="ExitCode.Unreachable"/>. A standby's <c>307</c> to the leader is followed
/// here (method, body and token kept), because HttpClient's own redirects drop the Authorization header.
/// </summary>
internal sealed class SluiceApiClient : IDisposable
{
    /// <summary>How long one request may take until its answer's headers arrive.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const int MaxRedirects = 5;

    private readonly HttpClient _http;
    private readonly string? _token;

    public SluiceApiClient(Uri baseUri, string? token)
    {
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _token = string.IsNullOrEmpty(token) ? null : token;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = RequestTimeout })
        {
            // Timeouts are applied per request (RequestTimeout until the headers), so a stream can stay open.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("sluice-cli", typeof(SluiceApiClient).Assembly.GetName().Version?.ToString() ?? "0"));
    }

    /// <summary>The API's address, ending with <c>/</c>; paths are resolved against it.</summary>
    public Uri BaseUri { get; }

    /// <summary>The address as the user gave it, for messages.</summary>
    public string Display => BaseUri.AbsoluteUri.TrimEnd('/');

    public Task<ApiResponse<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, body: null, cancellationToken);

    /// <summary>Sends <paramref name="body"/> (JSON text or null) and reads a JSON answer; an empty answer (204) gives <c>default</c>.</summary>
    public async Task<ApiResponse<T>> SendAsync<T>(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await ReadBodyAsync(response, cancellationToken);
        EnsureSuccess(response, text);
        T value = default!;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                value = JsonSerializer.Deserialize<T>(text, CliJson.Options)!;
            }
            catch (JsonException e)
            {
                throw new CliException(new CliError(ExitCode.ServerError,
                    $"the Sluice API at {Display} answered {method} /{path} with JSON this CLI cannot read ({ApiProblem.Clean(e.Message)}); is --api a Sluice scheduler of the same version?"));
            }
        }
        return new ApiResponse<T>(response.StatusCode, text, value, response.Headers.Location?.OriginalString);
    }

    /// <summary>Opens a streaming GET (e.g. the event stream); the caller reads and disposes the answer.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string accept, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken, accept);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                EnsureSuccess(response, await ReadBodyAsync(response, cancellationToken));
            }
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, string? body, HttpCompletionOption completion, CancellationToken cancellationToken, string accept = "application/json")
    {
        var target = new Uri(BaseUri, path);
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, target);
            request.Headers.Accept.ParseAdd(accept);
            if (_token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            }
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            var response = await SendWithTimeoutAsync(request, completion, cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect) || response.Headers.Location is null)
            {
                return response;
            }
            // A standby names the leader; resend the same request there.
            var location = response.Headers.Location;
            response.Dispose();
            if (redirects == MaxRedirects)
            {
                throw new CliException(CliError.Unreachable($"the Sluice API at {Display} redirected {MaxRedirects} times without an answer (no stable leader?)"));
            }
            target = location.IsAbsoluteUri ? location : new Uri(target, location);
        }
    }

    private async Task<HttpResponseMessage> SendWithTimeoutAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            return await _http.SendAsync(request, completion, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(CliError.Unreachable($"the Sluice API at {Display} did not answer within {RequestTimeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException e)
        {
            throw new CliException(CliError.Unreachable($"cannot reach the Sluice API at {Display}: {Reason(e)} (set --api or SLUICE_API)"));
        }
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(CliError.Unreachable($"the Sluice API at {Display} broke off its answer: {Reason(e)}"));
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }
        var line = ApiProblem.TryParse(body) is { } problem ? problem.ToLine(response.StatusCode) : $"{ApiProblem.StatusLine(response.StatusCode)} (HTTP {status})";
        var code = status >= 500 ? ExitCode.ServerError : ExitCode.Refused;
        throw new CliException(new CliError(code, line));
    }

    /// <summary>The cause of a transport failure in a few words: <c>connection refused</c>, <c>host not found</c>, …</summary>
    private static string Reason(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                    SocketError.ConnectionReset => "connection reset",
                    _ => ApiProblem.Clean(socket.Message),
                };
            }
        }
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            HttpRequestError.InvalidResponse => "the answer is not HTTP",
            _ => ApiProblem.Clean(e.Message),
        };
    }

    public void Dispose() => _http.Dispose();
}
