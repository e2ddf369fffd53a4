using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sluice.Testing;
using Sluice.Testing.Mesos;

namespace Sluice.EndToEnd.World;

/// <summary>
/// The real <c>sluice-scheduler</c> process, started with <c>dotnet</c> from its build output on free loopback
/// ports, its output kept for the log. <see cref="Kill"/> is a SIGKILL, <see cref="Freeze"/> a SIGSTOP;
/// <see cref="StartAsync"/> again restarts it with the same flags (same ports, same state).
/// </summary>
internal sealed class SchedulerProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(60);

    private readonly string[] _args;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    /// <param name="args">Flags besides <c>--listen</c> and <c>--control-plane-listen</c>, which it picks itself.</param>
    /// <param name="name">Prefix of its lines in a combined log.</param>
    public SchedulerProcess(IEnumerable<string> args, string name = "scheduler")
    {
        Name = name;
        RestPort = FreePort();
        ControlPlanePort = FreePort();
        _args = [.. args, "--listen", $"http://127.0.0.1:{RestPort}", "--control-plane-listen", $"http://127.0.0.1:{ControlPlanePort}"];
        Rest = new Uri($"http://127.0.0.1:{RestPort}/");
        Api = new HttpClient { BaseAddress = Rest, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public int RestPort { get; }

    public int ControlPlanePort { get; }

    public Uri Rest { get; }

    public HttpClient Api { get; }

    public IReadOnlyCollection<string> Output => _output;

    public bool IsRunning => _process is { HasExited: false };

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public static string Dll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = RepositoryRoot.Combine("scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the scheduler first (dotnet build scheduler -c {configuration}): {dll} is missing.");
        }
    }

    /// <summary>Starts the process and waits until <c>/health</c> answers (as leader or standby).</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(MesosTestTasks.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in _args)
        {
            info.ArgumentList.Add(arg);
        }
        // Settings come from the flags alone, not from a developer's environment or a Marathon task around the tests.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SLUICE_", StringComparison.Ordinal) || k.StartsWith("PORT", StringComparison.Ordinal) || k is "HOST" or "MESOS_TASK_ID").ToList())
        {
            info.Environment.Remove(name);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the scheduler did not start");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode}:\n{string.Join('\n', _output.TakeLast(30))}");
            }
            return await HealthAsync() is not null;
        }, HealthyTimeout, $"{Name} answers {Rest}health");
    }

    /// <summary>Whether it leads (from <c>/health</c>); null when it does not answer.</summary>
    public async Task<bool?> HealthAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await Api.GetAsync("health", timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }
            var health = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content, timeout.Token);
            return health.TryGetProperty("leader", out var leader) && leader.GetBoolean();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP: the process stays, silent, as in a long GC pause or a frozen VM.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException($"{Name} is not running");
        }
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5_000);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}");
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 5000 && _output.TryDequeue(out _))
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
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false);
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            process.Dispose();
        }
        Api.Dispose();
    }
}
