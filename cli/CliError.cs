namespace Sluice.Cli;

/// <summary>Why a command failed: the exit code and the one line to print after <c>sluice: </c>.</summary>
internal sealed record CliError(ExitCode Code, string Message)
{
    public static CliError Usage(string message) => new(ExitCode.Usage, message);

    public static CliError Unreachable(string message) => new(ExitCode.Unreachable, message);

    public static CliError Refused(string message) => new(ExitCode.Refused, message);

    public static CliError Failed(string message) => new(ExitCode.Failed, message);
}
