using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Sluice.Testing.Fuzz;

namespace Sluice.Local.Tests.Mesos.Fuzz;

/// <summary>
/// One bad request to a Mesos HTTP API endpoint: a mutated or random body under a right or wrong
/// Content-Type, Accept and method, or a body cut short on the wire. <see cref="SendAsync"/>
/// returns the status code, or null when the server closed without answering.
/// </summary>
internal sealed record FuzzRequest(string Kind, HttpMethod Method, string? ContentType, string? Accept, byte[] Body, string? StreamId, int? AnnouncedLength = null)
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    /// <summary>Environment variable that sets <see cref="Inputs"/>.</summary>
    public const string InputsVariable = "SLUICE_MESOS_FUZZ_INPUTS";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private static readonly string?[] BadContentTypes =
        [null, "", "text/plain", "application/x-protobuf-ish", "application/*", "multipart/form-data; boundary=x", ";;;", "application/json; charset=utf-16"];

    private static readonly string[] BadAccepts = ["text/html", "image/png", "application/xml;q=1", "application/x-protobuf;q=0, text/*"];

    /// <summary>2,000 by default; <see cref="InputsVariable"/> raises it.</summary>
    public static int Inputs =>
        int.TryParse(Environment.GetEnvironmentVariable(InputsVariable), out var n) && n > 0 ? n : 2000;

    /// <summary>A seeded mix: mostly mutated protobuf and JSON calls, then random bodies, wrong headers and methods, cut bodies.</summary>
    public static FuzzRequest Next(Random random, ByteMutator mutator, IReadOnlyList<IMessage> seeds, string? streamId)
    {
        var seed = seeds[random.Next(seeds.Count)];
        return random.Next(20) switch
        {
            < 9 => new("mutated protobuf", HttpMethod.Post, Protobuf, Protobuf, mutator.Mutate(seed.ToByteArray()), streamId),
            < 11 => new("mutated JSON", HttpMethod.Post, Json, Json, mutator.Mutate(Encoding.UTF8.GetBytes(Formatter.Format(seed))), streamId),
            11 => new("random protobuf", HttpMethod.Post, Protobuf, Protobuf, mutator.RandomBytes(512), streamId),
            12 => new("random JSON", HttpMethod.Post, Json, null, mutator.RandomBytes(128), streamId),
            13 => new("JSON as protobuf", HttpMethod.Post, Protobuf, Protobuf, Encoding.UTF8.GetBytes(Formatter.Format(seed)), streamId),
            14 => new("protobuf as JSON", HttpMethod.Post, Json, Json, seed.ToByteArray(), streamId),
            15 => new("bad content type", HttpMethod.Post, BadContentTypes[random.Next(BadContentTypes.Length)], Protobuf, seed.ToByteArray(), streamId),
            16 => new("bad accept", HttpMethod.Post, Protobuf, BadAccepts[random.Next(BadAccepts.Length)], seed.ToByteArray(), streamId),
            17 => new("bad method", random.Next(2) == 0 ? HttpMethod.Get : HttpMethod.Put, Protobuf, Protobuf, seed.ToByteArray(), streamId),
            18 => new("bad stream id", HttpMethod.Post, Protobuf, Protobuf, seed.ToByteArray(), random.Next(2) == 0 ? "" : Encoding.ASCII.GetString(mutator.RandomBytes(40).Select(b => (byte)(0x21 + (b % 94))).ToArray())),
            _ => Cut(seed.ToByteArray(), random, streamId),
        };
    }

    private static FuzzRequest Cut(byte[] body, Random random, string? streamId)
    {
        var sent = body[..random.Next(body.Length)];
        return new("body cut short", HttpMethod.Post, Protobuf, Protobuf, sent, streamId, body.Length + 1 + random.Next(1000));
    }

    /// <summary>Sends it; a 200 (a SUBSCRIBE that opened a stream) is closed at once. Null: no answer before the server closed.</summary>
    public async Task<int?> SendAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken)
    {
        if (AnnouncedLength is { } announced)
        {
            return await SendCutAsync(endpoint, announced, cancellationToken);
        }

        using var request = new HttpRequestMessage(Method, endpoint);
        if (Method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        if (Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", Accept);
        }
        if (StreamId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mesos-Stream-Id", StreamId);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        return (int)response.StatusCode;
    }

    /// <summary>Announces <paramref name="announced"/> bytes, sends fewer, and half-closes: the body ends early on the wire.</summary>
    private async Task<int?> SendCutAsync(Uri endpoint, int announced, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        var head = $"POST {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nContent-Type: {ContentType}\r\nAccept: {Accept}\r\n"
            + (StreamId is null ? "" : $"Mesos-Stream-Id: {StreamId}\r\n") + $"Content-Length: {announced}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await stream.WriteAsync(Body, cancellationToken);
        client.Client.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, cancellationToken);
        }
        catch (IOException)
        {
            // Reset by the server: as good as a close.
        }
        var text = Encoding.ASCII.GetString(answer.ToArray());
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var status) ? status : null;
    }
}
