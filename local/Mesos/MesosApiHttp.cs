using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Sluice.Mesos.RecordIO;

namespace Sluice.Local.Mesos;

/// <summary>How a call body or an event stream is encoded, as negotiated by Content-Type and Accept.</summary>
internal enum WireEncoding
{
    Protobuf,
    Json,
}

/// <summary>
/// The HTTP rules Mesos applies to <c>/api/v1/scheduler</c> and <c>/api/v1/executor</c>
/// (src/master/http.cpp, src/slave/http.cpp): POST only, Content-Type present (400) and known (415),
/// Accept known (406), body read whole (413 over <see cref="MaxBodyBytes"/>, 400 when cut short) and
/// parsed into a Call (400 with the parse error).
/// </summary>
internal static class MesosApiHttp
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";
    public const string StreamIdHeader = "Mesos-Stream-Id";

    /// <summary>Largest call body taken (64 MiB): a call is read whole before it is parsed.</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(false));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>A request the endpoint refuses: status code and the message Mesos would put in the body.</summary>
    public sealed record Refusal(int StatusCode, string Message);

    /// <summary>Reads and decodes the call; returns a refusal instead when the request breaks the rules.</summary>
    public static async Task<(T? Call, WireEncoding Accept, Refusal? Refusal)> ReadCallAsync<T>(HttpContext context, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return (null, default, new Refusal(StatusCodes.Status405MethodNotAllowed, $"Expecting a 'POST' request, received '{request.Method}'"));
        }
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return (null, default, new Refusal(StatusCodes.Status400BadRequest, "Expecting 'Content-Type' to be present"));
        }
        WireEncoding bodyEncoding;
        var mediaType = contentType.Split(';')[0].Trim();
        if (string.Equals(mediaType, Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            bodyEncoding = WireEncoding.Protobuf;
        }
        else if (string.Equals(mediaType, Json, StringComparison.OrdinalIgnoreCase))
        {
            bodyEncoding = WireEncoding.Json;
        }
        else
        {
            return (null, default, new Refusal(StatusCodes.Status415UnsupportedMediaType,
                $"Expecting 'Content-Type' of {Json} or {Protobuf}"));
        }

        if (ChooseAccept(request.Headers.Accept.ToString()) is not { } accept)
        {
            return (null, default, new Refusal(StatusCodes.Status406NotAcceptable,
                $"Expecting 'Accept' to allow {Json} or {Protobuf}"));
        }

        using var body = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Over MaxRequestBodySize (413), or the body ended before its Content-Length (400): the
            // caller's mistake, answered as such rather than left to the server as an unhandled error.
            return (null, default, new Refusal(ex.StatusCode, $"Failed to read the request body: {ex.Message}"));
        }
        T call;
        try
        {
            call = bodyEncoding == WireEncoding.Protobuf
                ? parser.ParseFrom(body.GetBuffer().AsSpan(0, (int)body.Length))
                : parser.ParseJson(System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            return (null, default, new Refusal(StatusCodes.Status400BadRequest, $"Failed to parse body into Call protobuf: {ex.Message}"));
        }
        if (!call.IsInitialized())
        {
            return (null, default, new Refusal(StatusCodes.Status400BadRequest,
                "Failed to parse body into Call protobuf: a required field is missing"));
        }
        return (call, accept, null);
    }

    /// <summary>Mesos' default for a missing Accept (or */*) is JSON; protobuf when asked for.</summary>
    private static WireEncoding? ChooseAccept(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return WireEncoding.Json;
        }
        foreach (var part in accept.Split(','))
        {
            var media = part.Split(';')[0].Trim();
            if (string.Equals(media, Protobuf, StringComparison.OrdinalIgnoreCase))
            {
                return WireEncoding.Protobuf;
            }
            if (string.Equals(media, Json, StringComparison.OrdinalIgnoreCase) || media is "*/*" or "application/*")
            {
                return WireEncoding.Json;
            }
        }
        return null;
    }

    public static Task RefuseAsync(HttpContext context, Refusal refusal)
    {
        context.Response.StatusCode = refusal.StatusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(refusal.Message, context.RequestAborted);
    }

    /// <summary>One event as a RecordIO record in the negotiated encoding.</summary>
    public static byte[] Frame(IMessage message, WireEncoding encoding) =>
        encoding == WireEncoding.Protobuf
            ? RecordIOWriter.Encode(message)
            : RecordIOWriter.Encode(System.Text.Encoding.UTF8.GetBytes(Formatter.Format(message)));

    /// <summary>
    /// Writes a 200 streaming response (chunked, kept open) and copies <paramref name="events"/> to it
    /// until the channel completes or the client goes away.
    /// </summary>
    public static async Task StreamAsync(HttpContext context, WireEncoding encoding, string? streamId, ChannelReader<IMessage> events)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = encoding == WireEncoding.Protobuf ? Protobuf : Json;
        if (streamId is not null)
        {
            response.Headers[StreamIdHeader] = streamId;
        }
        var aborted = context.RequestAborted;
        try
        {
            await response.StartAsync(aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            await foreach (var message in events.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                await response.Body.WriteAsync(Frame(message, encoding), aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The subscriber went away; the caller turns that into a disconnection.
        }
    }
}
