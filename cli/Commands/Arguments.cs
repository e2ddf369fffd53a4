using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class Arguments
{
    public static Argument<string> Consumer() => new("NAME") { Description = "The consumer's name" };

    public static Option<string> File(string description) => new("--file", "-f")
    {
        Description = description,
        HelpName = "FILE",
        Required = true,
    };

    public static DurationOption Interval() => new("--interval", TimeSpan.FromSeconds(1), "How often to poll while waiting");

    /// <summary>How long a wait may take: <paramref name="defaultValue"/>, or unbounded when null (Ctrl-C ends it).</summary>
    public static DurationOption Timeout(TimeSpan? defaultValue) => new("--timeout", defaultValue, "How long to wait");
}
