using System.Globalization;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;
using Spectre.Console;

namespace Sluice.Cli;

/// <summary>
/// One command's view of the world: the API client, the output format and the console. Tables and live displays go
/// through <see cref="Console"/> (Spectre); when stdout is not a terminal it writes plain text without colours or
/// cursor movement, so <see cref="IsInteractive"/> is false and waits print one line per change instead.
/// </summary>
internal sealed class CliContext : IDisposable
{
    /// <summary>Line width for tables when stdout is not a terminal (and COLUMNS is not set).</summary>
    private const int RedirectedWidth = 200;

    public CliContext(SluiceApiClient client, OutputFormat output, TextWriter stdout, TextWriter stderr, bool? terminal, string? columns)
    {
        Client = client;
        Output = output;
        Stdout = stdout;
        Stderr = stderr;
        IsInteractive = terminal ?? new AnsiConsoleOutput(stdout).IsTerminal;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(IsInteractive ? stdout : new LineEndTrimmingWriter(stdout)),
            Ansi = IsInteractive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!IsInteractive || terminal is true)
        {
            Console.Profile.Width = int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width > 20 ? width : RedirectedWidth;
        }
    }

    public SluiceApiClient Client { get; }

    public OutputFormat Output { get; }

    public bool IsJson => Output == OutputFormat.Json;

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public IAnsiConsole Console { get; }

    /// <summary>Stdout is a terminal: spinners and live displays instead of one line per change.</summary>
    public bool IsInteractive { get; }

    /// <summary>Writes a server's JSON body as it came (for <c>--output json</c>), ending the line.</summary>
    public void WriteJson(string body)
    {
        Stdout.Write(body);
        if (!body.EndsWith('\n'))
        {
            Stdout.WriteLine();
        }
        Stdout.Flush();
    }

    /// <summary>A line of plain text on stdout (no markup).</summary>
    public void Line(string text)
    {
        Stdout.WriteLine(text);
        Stdout.Flush();
    }

    /// <summary>A note for people on stderr, so stdout stays what the command returns.</summary>
    public void Note(string text)
    {
        Stderr.WriteLine("sluice: " + text);
        Stderr.Flush();
    }

    public void Dispose() => Client.Dispose();
}
