using System.Globalization;
using System.Security;
using System.Text;

namespace Sluice.Bench.Cutover;

/// <summary>
/// Draws the pauses of each run as an SVG: one panel per run, x = seconds since the deploy
/// started, y = gap length on a log scale, one horizontal mark per gap above the pause threshold
/// (from when the partition stopped to when it resumed, coloured by partition), the threshold
/// as a dashed line and the deploy's steps as vertical lines.
/// </summary>
internal static class GapChart
{
    /// <summary>A panel: a run's report, or why there is none.</summary>
    public sealed record Panel(string Title, CutoverRun? Run, CutoverReport? Report, string? Missing = null);

    private const double Width = 960;
    private const double PanelHeight = 240;
    private const double Left = 70, Right = 20, Top = 30, Bottom = 36;
    private const double MinGapMs = 10;

    public static string Render(IReadOnlyList<Panel> panels, int partitions, string caption)
    {
        var drawn = panels.Where(p => p.Run is not null && p.Report is not null).ToArray();
        var xMin = drawn.Length == 0 ? -1 : drawn.Min(p => (p.Run!.SteadyFrom - p.Run.DeployStarted).TotalSeconds);
        var xMax = drawn.Length == 0 ? 1 : drawn.Max(p => Math.Max(
            (p.Run!.DeployFinished - p.Run.DeployStarted).TotalSeconds,
            p.Report!.PausedGaps.Select(g => (g.End - p.Run.DeployStarted).TotalSeconds).DefaultIfEmpty(0).Max()));
        xMax += (xMax - xMin) * 0.03;
        var longest = drawn.SelectMany(p => p.Report!.PausedGaps).Select(g => g.Duration.TotalMilliseconds).DefaultIfEmpty(1_000).Max();
        var yMax = Math.Pow(10, Math.Max(3, Math.Ceiling(Math.Log10(longest))));

        var svg = new StringBuilder();
        var height = Top + panels.Count * PanelHeight + 10;
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{Escape(caption)}</text>\n");

        for (var i = 0; i < panels.Count; i++)
        {
            var panel = panels[i];
            var top = Top + i * PanelHeight + 18;
            var bottom = Top + (i + 1) * PanelHeight - Bottom;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{top - 6:0.#}\" font-size=\"12\" font-weight=\"bold\">{Escape(panel.Title)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{top:0.#}\" width=\"{Width - Left - Right}\" height=\"{bottom - top:0.#}\" fill=\"none\" stroke=\"#888\"/>\n");
            if (panel.Run is not { } run || panel.Report is not { } report)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{Width / 2:0.#}\" y=\"{(top + bottom) / 2:0.#}\" text-anchor=\"middle\" fill=\"#a00\">{Escape(panel.Missing ?? "not run")}</text>\n");
                continue;
            }

            double X(double seconds) => Left + (seconds - xMin) / (xMax - xMin) * (Width - Left - Right);
            double Y(double ms) => bottom - (Math.Log10(Math.Clamp(ms, MinGapMs, yMax)) - Math.Log10(MinGapMs)) / (Math.Log10(yMax) - Math.Log10(MinGapMs)) * (bottom - top);

            for (var decade = MinGapMs; decade <= yMax; decade *= 10)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(decade):0.#}\" y2=\"{Y(decade):0.#}\" stroke=\"#eee\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(decade) + 4:0.#}\" text-anchor=\"end\">{Milliseconds(decade)}</text>\n");
            }
            var step = NiceStep(xMax - xMin);
            // "+ 0.0" turns a -0 (ceiling of a small negative) into 0, so the label reads "0 s".
            for (var s = Math.Ceiling(xMin / step) * step + 0.0; s <= xMax; s += step)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(s):0.#}\" y=\"{bottom + 14:0.#}\" text-anchor=\"middle\">{s:0.#} s</text>\n");
            }
            foreach (var e in run.Events)
            {
                var x = X((e.At - run.DeployStarted).TotalSeconds);
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{top:0.#}\" y2=\"{bottom:0.#}\" stroke=\"#bbb\" stroke-dasharray=\"2,3\"><title>{Escape(e.What)}</title></line>\n");
            }
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(report.PauseThresholdMs):0.#}\" y2=\"{Y(report.PauseThresholdMs):0.#}\" stroke=\"#c00\" stroke-dasharray=\"6,4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{Width - Right - 4}\" y=\"{Y(report.PauseThresholdMs) - 4:0.#}\" text-anchor=\"end\" fill=\"#c00\">pause threshold {report.PauseThresholdMs:0} ms</text>\n");
            foreach (var gap in report.PausedGaps)
            {
                var colour = $"hsl({gap.Partition * 360 / Math.Max(1, partitions)},70%,42%)";
                var y = Y(gap.Duration.TotalMilliseconds);
                var x1 = X((gap.Start - run.DeployStarted).TotalSeconds);
                var x2 = X((gap.End - run.DeployStarted).TotalSeconds);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<g stroke=\"{colour}\" fill=\"{colour}\"><title>partition {gap.Partition}: {gap.Duration.TotalMilliseconds:0} ms</title>" +
                    $"<line x1=\"{x1:0.#}\" x2=\"{x2:0.#}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke-width=\"1.5\" opacity=\"0.6\"/><circle cx=\"{x2:0.#}\" cy=\"{y:0.#}\" r=\"2.5\"/></g>\n");
            }
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{Width - Right}\" y=\"{height - 4}\" text-anchor=\"end\" fill=\"#666\">x: seconds since the deploy started; y: gap (log); one mark per pause, coloured by partition; dotted: deploy steps</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double NiceStep(double range)
    {
        foreach (var step in new[] { 1.0, 2, 5, 10, 20, 30, 60, 120 })
        {
            if (range / step <= 12)
            {
                return step;
            }
        }
        return 300;
    }

    private static string Milliseconds(double ms) =>
        ms >= 1_000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1_000:0} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");

    private static string Escape(string text) => SecurityElement.Escape(text);
}
