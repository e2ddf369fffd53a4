using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sluice.Cli.Api;

/// <summary>
/// An <c>application/problem+json</c> answer (RFC 9457) as the scheduler sends it: <c>title</c>, <c>detail</c> and,
/// for validation problems, <c>errors</c> by field. <see cref="ToLine"/> makes the one line the CLI prints.
/// </summary>
internal sealed record ApiProblem(string? Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors)
{
    private const int MaxLength = 600;

    /// <summary>Reads a problem from an error answer's body; null when the body is not a JSON object.</summary>
    public static ApiProblem? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new ApiProblem(Text(root, "title"), Text(root, "detail"), FieldErrors(root));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One readable line: <c>title: detail; field: message; …</c>, or the HTTP status when the body says nothing.
    /// Control characters from the server (newlines, escape sequences) are replaced, so the line stays one line.
    /// </summary>
    public string ToLine(HttpStatusCode status)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Detail))
        {
            parts.Add(Detail);
        }
        if (Errors is not null)
        {
            parts.AddRange(Errors.SelectMany(field => field.Value.Select(message =>
                message.StartsWith(field.Key, StringComparison.Ordinal) ? message : $"{field.Key}: {message}")));
        }
        var title = string.IsNullOrWhiteSpace(Title) ? StatusLine(status) : Title;
        var line = parts.Count == 0 ? title : $"{title}: {string.Join("; ", parts)}";
        return Clean(line) + string.Create(CultureInfo.InvariantCulture, $" (HTTP {(int)status})");
    }

    /// <summary><c>404 Not Found</c>-style text for an answer without a problem body.</summary>
    public static string StatusLine(HttpStatusCode status) =>
        Enum.IsDefined(status) ? SplitWords(status.ToString()) : "HTTP error";

    private static string SplitWords(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(text.Length == 0 ? c : char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>Server text made safe for one terminal line: no control characters, bounded length.</summary>
    public static string Clean(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        foreach (var c in text)
        {
            if (clean.Length >= MaxLength)
            {
                clean.Append('…');
                break;
            }
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        return clean.ToString();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string[]>? FieldErrors(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var byField = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var field in errors.EnumerateObject())
        {
            byField[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText())],
                JsonValueKind.String => [field.Value.GetString() ?? ""],
                _ => [field.Value.GetRawText()],
            };
        }
        return byField;
    }
}
