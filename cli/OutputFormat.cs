namespace Sluice.Cli;

/// <summary><c>--output</c>: tables and lines for people, or the server's JSON unchanged for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
