using System.CommandLine;

namespace Sluice.Cli;

/// <summary>
/// An option holding a <see cref="Duration"/>, with its default said in the help in words (<c>5 min</c>, <c>none</c>);
/// a malformed value is a parse error (exit code 2).
/// </summary>
internal sealed class DurationOption
{
    private readonly TimeSpan? _default;

    public DurationOption(string name, TimeSpan? defaultValue, string description)
    {
        _default = defaultValue;
        Option = new Option<TimeSpan?>(name)
        {
            Description = $"{description} (e.g. 30s, 5m) [default: {(defaultValue is { } d ? Duration.Format(d) : "none")}]",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (Duration.TryParse(token, out var value) && value > TimeSpan.Zero)
                {
                    return value;
                }
                result.AddError($"{name} takes a positive duration such as 500ms, 30s or 5m, not '{token}'");
                return null;
            },
        };
    }

    public Option<TimeSpan?> Option { get; }

    /// <summary>The value given, else the default (null: none).</summary>
    public TimeSpan? Get(ParseResult parse) => parse.GetValue(Option) ?? _default;
}
