namespace Sluice.Cli.Api;

/// <summary>The API names enum values in camelCase (<c>rolledBack</c>); a name this CLI does not know reads as <c>Unknown</c>.</summary>
internal static class ApiNames
{
    public static T Parse<T>(string? name) where T : struct, Enum =>
        Enum.TryParse<T>(name, ignoreCase: true, out var value) && !int.TryParse(name, out _) ? value : default;
}
