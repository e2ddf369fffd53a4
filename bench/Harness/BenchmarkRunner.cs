using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Bench.Harness;

/// <summary>Runs one benchmark, prints its table, writes <c>bench/results/NAME.json</c> and the verdict line.</summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(IBenchmark benchmark, bool quick, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        output.WriteLine($"{benchmark.Name}: {benchmark.Description}{(quick ? " (quick)" : "")}");
        var clock = Stopwatch.StartNew();
        var result = await benchmark.RunAsync(new BenchmarkContext(quick, output), cancellationToken);
        clock.Stop();

        PrintTable(output, result.Table);
        foreach (var note in result.Notes)
        {
            output.WriteLine($"  note: {note}");
        }

        var path = WriteJson(benchmark, quick, result, clock.Elapsed);
        output.WriteLine($"  results: {path} (wall {clock.Elapsed.TotalSeconds:0.0} s)");
        var ratio = result.Ratio.ToString("0.####", CultureInfo.InvariantCulture);
        output.WriteLine($"{benchmark.Name} ratio={ratio} goal={result.Goal} {(result.Passed ? "PASS" : "FAIL")}");
        return result.Passed ? 0 : 1;
    }

    private static void PrintTable(TextWriter output, IReadOnlyList<string[]> table)
    {
        if (table.Count == 0)
        {
            return;
        }
        var widths = new int[table.Max(r => r.Length)];
        foreach (var row in table)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        for (var r = 0; r < table.Count; r++)
        {
            var cells = table[r].Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            output.WriteLine("  " + string.Join("  ", cells));
            if (r == 0)
            {
                output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
    }

    private static string WriteJson(IBenchmark benchmark, bool quick, BenchmarkResult result, TimeSpan wall)
    {
        var json = new JsonObject
        {
            ["name"] = benchmark.Name,
            ["description"] = benchmark.Description,
            ["quick"] = quick,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            ["ratio"] = Finite(result.Ratio),
            ["goal"] = result.Goal.ToString(),
            ["pass"] = result.Passed,
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 1),
            ["figures"] = new JsonObject(result.Figures.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)Finite(f.Value)))),
            ["notes"] = new JsonArray(result.Notes.Select(n => (JsonNode?)n).ToArray()),
        };
        if (result.Extra is not null)
        {
            json["detail"] = JsonSerializer.SerializeToNode(result.Extra, result.Extra.GetType());
        }

        var directory = ResultsDirectory();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, benchmark.Name + ".json");
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return Path.GetRelativePath(Environment.CurrentDirectory, path);
    }

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;

    /// <summary><c>bench/results</c> of the repository this binary was built from (found by walking up to Sluice.slnx).</summary>
    public static string ResultsDirectory()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_BENCH_RESULTS") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return Path.Combine(dir.FullName, "bench", "results");
            }
        }
        return Path.Combine(Environment.CurrentDirectory, "bench-results");
    }
}
