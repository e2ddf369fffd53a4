using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Mesos.Executor;

/// <summary>
/// Mesos' duration strings (stout <c>Duration::parse</c>): a non-negative decimal number followed
/// by one of <c>ns</c>, <c>us</c>, <c>ms</c>, <c>secs</c>, <c>mins</c>, <c>hrs</c>, <c>days</c>,
/// <c>weeks</c>, e.g. <c>250ms</c>, <c>5secs</c>, <c>15mins</c>, <c>1.5hrs</c>.
/// </summary>
public static partial class MesosDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is null)
        {
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            return false;
        }

        double ticks = match.Groups[2].Value switch
        {
            "ns" => value / 100,
            "us" => value * 10,
            "ms" => value * TimeSpan.TicksPerMillisecond,
            "secs" => value * TimeSpan.TicksPerSecond,
            "mins" => value * TimeSpan.TicksPerMinute,
            "hrs" => value * TimeSpan.TicksPerHour,
            "days" => value * TimeSpan.TicksPerDay,
            _ => value * TimeSpan.TicksPerDay * 7,
        };
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    /// <exception cref="FormatException"><paramref name="text"/> is not a Mesos duration.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration)
            ? duration
            : throw new FormatException($"'{text}' is not a Mesos duration: expected a number and one of ns, us, ms, secs, mins, hrs, days, weeks (e.g. 250ms, 5secs, 15mins).");

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)(ns|us|ms|secs|mins|hrs|days|weeks)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
