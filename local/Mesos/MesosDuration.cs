using System.Globalization;

namespace Sluice.Local.Mesos;

/// <summary>Durations as Mesos prints them in flags and executor variables: "250ms", "5secs", "15mins", "1hrs".</summary>
internal static class MesosDuration
{
    private static readonly (long Nanos, string Unit)[] Units =
    [
        (86_400_000_000_000, "days"),
        (3_600_000_000_000, "hrs"),
        (60_000_000_000, "mins"),
        (1_000_000_000, "secs"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];

    /// <summary>Like Mesos' <c>stringify(Duration)</c>: the largest unit the duration reaches, fractions allowed.</summary>
    public static string Format(TimeSpan duration)
    {
        var nanos = duration.Ticks * 100;
        foreach (var (unitNanos, unit) in Units)
        {
            if (Math.Abs(nanos) >= unitNanos)
            {
                return ((double)nanos / unitNanos).ToString("0.######", CultureInfo.InvariantCulture) + unit;
            }
        }
        return "0ns";
    }
}
