using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Scheduler.Configuration;

/// <summary>
/// A duration given on the command line: a number with a unit (<c>500ms</c>, <c>3s</c>, <c>1.5m</c>, <c>1h</c>)
/// or a .NET time span (<c>00:00:03</c>), so the short form operators type works as well as the one
/// configuration files bind.
/// </summary>
public static partial class DurationSetting
{
    /// <summary>Reads <paramref name="text"/>; false when it is neither form, or negative.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var match = WithUnit().Match(text.Trim());
        if (match.Success)
        {
            var amount = double.Parse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var milliseconds = match.Groups["unit"].Value switch
            {
                "ms" => amount,
                "s" => amount * 1_000,
                "m" => amount * 60_000,
                _ => amount * 3_600_000,
            };
            if (milliseconds > TimeSpan.MaxValue.TotalMilliseconds)
            {
                return false;
            }
            value = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }
        // A bare number would read as days: only the hh:mm:ss form is taken without a unit.
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    /// <exception cref="SchedulerConfigurationException">Not a duration (the validator has said so already).</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new SchedulerConfigurationException($"'{text}' is not a duration");

    [GeneratedRegex("^(?<amount>[0-9]+(\\.[0-9]+)?)(?<unit>ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex WithUnit();
}
