using System.Text.RegularExpressions;

namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>Assertions on a command's output that show the whole output when they fail.</summary>
internal static class Lines
{
    /// <summary>Some line of <paramref name="output"/> matches <paramref name="pattern"/> (anchored with ^ and $ by the caller).</summary>
    public static void Has(string pattern, string output) =>
        Assert.True(Regex.IsMatch(output, pattern, RegexOptions.Multiline), $"no line matches /{pattern}/ in:\n{output}");
}
