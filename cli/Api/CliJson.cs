using System.Text.Json;

namespace Sluice.Cli.Api;

/// <summary>The API's JSON conventions (camelCase, web defaults) for reading answers and writing bodies.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Options for printing a body this CLI builds, indented for people.</summary>
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
