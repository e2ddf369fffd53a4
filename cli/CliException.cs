namespace Sluice.Cli;

/// <summary>Carries a <see cref="CliError"/> out of a command to <see cref="CliApp"/>, which prints it and exits with its code.</summary>
internal sealed class CliException(CliError error) : Exception(error.Message)
{
    public CliError Error { get; } = error;
}
