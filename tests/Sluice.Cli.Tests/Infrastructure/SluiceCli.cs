using System.Collections;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>Runs <c>sluice</c> in-process through <see cref="CliApp.RunAsync(string[], TextWriter, TextWriter, IDictionary, CancellationToken)"/>.</summary>
internal static class SluiceCli
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Runs against <paramref name="api"/> (given as SLUICE_API, as a user's shell would).</summary>
    public static Task<CliResult> RunAsync(string api, params string[] args) =>
        RunAsync(new Hashtable { ["SLUICE_API"] = api }, args);

    public static async Task<CliResult> RunAsync(IDictionary environment, string[] args, bool? terminal = null)
    {
        using var stdout = new CapturedWriter();
        using var stderr = new CapturedWriter();
        var exit = await Eventually.WithinAsync(
            CliApp.RunAsync(args, stdout, stderr, environment, terminal, CancellationToken.None), Limit, "sluice " + string.Join(' ', args));
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A consumer name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
