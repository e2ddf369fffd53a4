using System.Text.Json;

namespace Sluice.Local.Mesos;

/// <summary>
/// Mesos' <c>--credentials</c> file: JSON <c>{"credentials":[{"principal":"p","secret":"s"}]}</c>,
/// or the older text form, one <c>principal secret</c> pair a line.
/// </summary>
internal static class CredentialsFile
{
    /// <summary>Principal → secret.</summary>
    /// <exception cref="FormatException">The text is neither form, or names a principal twice; the message says where.</exception>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                if (!json.RootElement.TryGetProperty("credentials", out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("the JSON credentials file needs a \"credentials\" array");
                }
                foreach (var entry in list.EnumerateArray())
                {
                    Add(credentials, String(entry, "principal"), String(entry, "secret"), $"entry {credentials.Count + 1}");
                }
            }
            catch (JsonException ex)
            {
                throw new FormatException($"the credentials file is not valid JSON: {ex.Message}", ex);
            }
        }
        else
        {
            var number = 0;
            foreach (var line in text.Split('\n'))
            {
                number++;
                var parts = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }
                if (parts.Length != 2)
                {
                    throw new FormatException($"line {number} of the credentials file is not 'principal secret'");
                }
                Add(credentials, parts[0], parts[1], $"line {number}");
            }
        }
        if (credentials.Count == 0)
        {
            throw new FormatException("the credentials file names no principal");
        }
        return credentials;

        static string String(JsonElement entry, string name) =>
            entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new FormatException($"every credential needs a string \"{name}\"");
    }

    private static void Add(Dictionary<string, string> credentials, string principal, string secret, string where)
    {
        if (!credentials.TryAdd(principal, secret))
        {
            throw new FormatException($"{where} of the credentials file names principal '{principal}' a second time");
        }
    }
}
