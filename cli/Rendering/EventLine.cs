using System.Globalization;
using Sluice.Cli.Api;

namespace Sluice.Cli.Rendering;

/// <summary><c>sluice events</c>: one line an event: UTC time, type, consumer, message (or its data as key=value).</summary>
internal static class EventLine
{
    public static string Format(SchedulerEvent e)
    {
        var text = !string.IsNullOrWhiteSpace(e.Message) ? e.Message
            : e.Data is { Count: > 0 } data ? string.Join(" ", data.Select(p => $"{p.Key}={p.Value}"))
            : "";
        var time = e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return ApiProblem.Clean($"{time}  {e.Type,-22}  {e.Consumer ?? "-",-16}  {text}").TrimEnd();
    }
}
