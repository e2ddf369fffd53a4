using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Reads request bodies: JSON only (415 otherwise), at most <see cref="SluiceApiOptions.MaxRequestBodyBytes"/> (413),
/// strict (unknown or duplicate properties, numbers in strings and nesting beyond 32 levels are refused), and a
/// malformed body answers 400 naming the JSON path, line and byte position.
/// </summary>
internal static partial class ApiJson
{
    public const int MaxDepth = 32;

    public static readonly JsonSerializerOptions RequestOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsJson(request.ContentType))
        {
            return (null, ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The body must be JSON (Content-Type: application/json); got '{Truncate(request.ContentType ?? "none")}'."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        var body = await ReadBoundedAsync(request.Body, maxBytes, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge(maxBytes));
        }
        if (body.Length == 0)
        {
            return (null, ApiProblems.Create(StatusCodes.Status400BadRequest, "Missing body", "A JSON body is required."));
        }
        if (!Utf8.IsValid(body))
        {
            // Checked up front: strings kept as JsonElement (handler settings) are only decoded later.
            return (null, ApiProblems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", "The body is not valid UTF-8."));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, RequestOptions);
            return value is null
                ? (null, ApiProblems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", "The body must be a JSON object, not null."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", Describe(e)));
        }
    }

    private static string Describe(JsonException e)
    {
        var path = e.Path ?? "$";
        var where = $"at {path} (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})";
        // The serializer's messages name .NET types; say the same in JSON terms.
        var message = e.Message.Split(" Path: ", 2)[0];
        var what = message switch
        {
            _ when message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => $"unknown property '{LastSegment(path)}'",
            _ when message.StartsWith("Duplicate property", StringComparison.Ordinal) => $"duplicate property '{LastSegment(path)}'",
            _ when message.Contains("depth", StringComparison.OrdinalIgnoreCase) => $"nesting deeper than the maximum depth of {MaxDepth}",
            _ when ConvertedTo().Match(message) is { Success: true } m => $"expected {JsonKind(m.Groups[1].Value.TrimEnd('.'))}",
            _ => message,
        };
        return $"Malformed JSON {where}: {Truncate(what)}";
    }

    private static string LastSegment(string path)
    {
        var dot = path.LastIndexOf('.');
        var segment = dot < 0 ? path : path[(dot + 1)..];
        return segment.Trim('[', ']', '\'', '$');
    }

    private static string JsonKind(string dotnetType) => dotnetType switch
    {
        _ when dotnetType.Contains("Int32", StringComparison.Ordinal) || dotnetType.Contains("Int64", StringComparison.Ordinal) => "an integer (within 32 bits)",
        _ when dotnetType.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when dotnetType.Contains("Dictionary", StringComparison.Ordinal) => "an object",
        _ when dotnetType.Contains("List", StringComparison.Ordinal) || dotnetType.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ when dotnetType == "System.String" => "a string",
        _ => "an object",
    };

    [GeneratedRegex(@"could not be converted to (\S+)\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();

    private static ProblemHttpResult TooLarge(long maxBytes) => ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large",
        $"The body must be at most {maxBytes} bytes.");

    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The whole body, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static string Truncate(string text, int max = 200) => text.Length <= max ? text : text[..max] + "…";
}
