using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Cli;

/// <summary>Reads a JSON object from a file named on the command line; any problem is a usage error naming the file.</summary>
internal static class JsonFile
{
    public static async Task<JsonObject> ReadObjectAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(CliError.Usage($"{path}: no such file"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(CliError.Usage($"{path}: cannot read it ({e.Message})"));
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CliException(CliError.Usage($"{path} is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}): {FirstSentence(e.Message)}"));
        }
        return node as JsonObject ?? throw new CliException(CliError.Usage($"{path} must hold a JSON object ({{…}}), not {Kind(node)}"));
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        _ => "a " + node.GetValueKind().ToString().ToLowerInvariant(),
    };

    /// <summary>System.Text.Json's message without its " Path: …" or " LineNumber: …" tail (the position is said already).</summary>
    private static string FirstSentence(string message)
    {
        foreach (var tail in (string[])[" Path:", " LineNumber:"])
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            message = cut < 0 ? message : message[..cut];
        }
        return message.Trim().TrimEnd('.');
    }
}
