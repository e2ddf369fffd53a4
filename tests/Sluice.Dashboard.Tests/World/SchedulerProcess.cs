using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sluice.Testing;
using Sluice.Testing.Mesos;

namespace Sluice.Dashboard.Tests.World;

/// <summary>
/// The real scheduler (<c>scheduler/bin/&lt;configuration&gt;/net10.0/sluice-scheduler.dll</c>) as a child process on
/// free loopback ports with a file state store, healthy once <see cref="StartAsync"/> returns; killed on dispose.
/// </summary>
internal sealed class SchedulerProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly string _state;

    private SchedulerProcess(Process process, ConcurrentQueue<string> output, string state, Uri rest)
    {
        _process = process;
        _output = output;
        _state = state;
        Rest = rest;
    }

    public Uri Rest { get; }

    /// <summary>The last lines the scheduler wrote (stdout and stderr).</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(40));

    /// <param name="master">The Mesos master URL to give it.</param>
    /// <param name="apiToken">Its <c>--api-token</c>.</param>
    public static async Task<SchedulerProcess> StartAsync(Uri master, string apiToken)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepositoryRoot.Combine("scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build scheduler/Sluice.Scheduler.csproj -c {configuration} first.");
        }
        var state = Directory.CreateTempSubdirectory("sluice-dashboard-state-").FullName;
        var rest = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(MesosTestTasks.DotnetHost) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            dll, "--master", master.AbsoluteUri.TrimEnd('/'), "--state", $"file:{state}", "--kafka", "127.0.0.1:9",
            "--listen", rest.AbsoluteUri.TrimEnd('/'), "--control-plane-listen", $"http://127.0.0.1:{FreePort()}", "--api-token", apiToken,
        })
        {
            start.ArgumentList.Add(arg);
        }
        // Settings come from the flags alone, not from a developer's environment.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SLUICE_", StringComparison.Ordinal) || k.StartsWith("PORT", StringComparison.Ordinal) || k is "HOST" or "MESOS_TASK_ID").ToList())
        {
            start.Environment.Remove(name);
        }
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The scheduler did not start.");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var scheduler = new SchedulerProcess(process, output, state, rest);
        try
        {
            using var http = new HttpClient { BaseAddress = rest, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited)
                {
                    return true;
                }
                try
                {
                    return (await http.GetAsync("health")).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, HealthyTimeout, $"the scheduler answers {rest}health");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The scheduler exited with {process.ExitCode}:{Environment.NewLine}{scheduler.Output}");
            }
            return scheduler;
        }
        catch
        {
            await scheduler.DisposeAsync();
            throw;
        }
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }
        output.Enqueue(line);
        while (output.Count > 400 && output.TryDequeue(out _))
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; the scheduler may have held a file a moment longer.
        }
    }
}
