using System.Globalization;
using System.Text;
using Sluice.Cli.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sluice.Cli.Rendering;

/// <summary>
/// A deployment as people read it: step i/n, the share of partitions per version as a bar, the gates' readings.
/// <see cref="Line"/> is the one-line form (redirected output, lists), <see cref="Render"/> the live view.
/// </summary>
internal static class DeploymentView
{
    private const int BarWidth = 20;

    /// <summary><c>deployment d-1 of orders v1 → v2: baking, step 2/3 (50%), v1 12 [##########..........] 12 v2, gates: …</c>.</summary>
    public static string Line(Deployment d)
    {
        var text = new StringBuilder();
        text.Append(Invariant($"deployment {d.Id} of {d.Consumer} {Versions(d)}: {d.Status}, {Step(d)}"));
        if (Share(d) is { } share)
        {
            text.Append(", ").Append(share);
        }
        if (d.Gates is { Count: > 0 } gates)
        {
            text.Append(", gates: ").Append(string.Join("; ", gates.Select(Gate)));
        }
        if (!string.IsNullOrWhiteSpace(d.Message))
        {
            text.Append(" - ").Append(d.Message);
        }
        return ApiProblem.Clean(text.ToString());
    }

    /// <summary>The live view: header, step, a breakdown bar of partitions per version, and a gates table.</summary>
    public static IRenderable Render(Deployment d)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]deployment {Markup.Escape(d.Id)}[/] of [bold]{Markup.Escape(d.Consumer)}[/] {Markup.Escape(Versions(d))}: [{Colour(d.State)}]{Markup.Escape(d.Status)}[/]"),
            new Text(Invariant($"{Step(d)} · bake {d.BakeSeconds} s · auto-promote {(d.AutoPromote ? "on" : "off")}")),
        };
        var owned = Owned(d);
        var total = owned.Sum(p => p.Count);
        if (total > 0)
        {
            var chart = new BreakdownChart().Width(BarWidth * 3).HideTagValues();
            var palette = new[] { Color.Blue, Color.Green, Color.Yellow, Color.Fuchsia };
            for (var i = 0; i < owned.Count; i++)
            {
                var (version, count) = owned[i];
                chart.AddItem(Markup.Escape(Invariant($"{version}: {count} partition(s), {100.0 * count / total:0}%")), count, palette[i % palette.Length]);
            }
            rows.Add(chart);
        }
        else
        {
            rows.Add(new Text("no partitions owned yet"));
        }
        if (d.Gates is { Count: > 0 } gates)
        {
            var table = Tables.Create("GATE", "THRESHOLD", "VALUE", "RESULT");
            foreach (var g in gates)
            {
                table.Row(g.Name, Number(g.Threshold), g.Value is { } v ? Number(v) : null, Result(g));
            }
            rows.Add(table);
        }
        if (!string.IsNullOrWhiteSpace(d.Message))
        {
            rows.Add(new Text(ApiProblem.Clean(d.Message)));
        }
        return new Rows(rows);
    }

    public static string Versions(Deployment d) => d.FromVersion is null ? d.ToVersion : $"{d.FromVersion} → {d.ToVersion}";

    /// <summary><c>step 2/3 (50%)</c>.</summary>
    public static string Step(Deployment d)
    {
        var steps = d.Steps ?? [];
        var index = Math.Clamp(d.Step, 0, Math.Max(steps.Count - 1, 0));
        return steps.Count == 0 ? Invariant($"step {d.Step + 1}") : Invariant($"step {index + 1}/{steps.Count} ({steps[index]}%)");
    }

    /// <summary>Partitions per version, from first, to second, then any other version.</summary>
    public static IReadOnlyList<(string Version, int Count)> Owned(Deployment d)
    {
        var partitions = d.Partitions ?? new Dictionary<string, int>();
        var order = new[] { d.FromVersion, d.ToVersion }.OfType<string>()
            .Concat(partitions.Keys.Where(k => k != d.FromVersion && k != d.ToVersion).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal);
        return [.. order.Select(v => (v, partitions.TryGetValue(v, out var n) ? n : 0))];
    }

    /// <summary><c>v1 12 [##########..........] 12 v2</c>: the new version's share fills the bar.</summary>
    public static string? Share(Deployment d)
    {
        var owned = Owned(d);
        var total = owned.Sum(p => p.Count);
        if (total == 0)
        {
            return null;
        }
        var target = owned.FirstOrDefault(p => p.Version == d.ToVersion).Count;
        var filled = (int)Math.Round(BarWidth * (double)target / total, MidpointRounding.AwayFromZero);
        var bar = "[" + new string('#', filled) + new string('.', BarWidth - filled) + "]";
        var others = owned.Where(p => p.Version != d.ToVersion).ToList();
        var left = string.Join(" ", others.Select(p => Invariant($"{p.Version} {p.Count}")));
        return Invariant($"{left} {bar} {target} {d.ToVersion} ({100.0 * target / total:0}%)").TrimStart();
    }

    private static string Gate(DeploymentGate g) =>
        $"{g.Name} {(g.Value is { } v ? Number(v) : "-")}/{Number(g.Threshold)} {Result(g)}";

    private static string Result(DeploymentGate g) => g.Passed switch
    {
        true => "ok",
        false => "FAILING",
        null => "pending",
    };

    private static string Colour(DeploymentState state) => state switch
    {
        DeploymentState.Succeeded => "green",
        DeploymentState.RolledBack or DeploymentState.Failed or DeploymentState.Aborted or DeploymentState.RollingBack => "red",
        DeploymentState.Paused or DeploymentState.WaitingForPromotion => "yellow",
        _ => "blue",
    };

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
