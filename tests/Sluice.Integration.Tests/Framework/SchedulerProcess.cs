using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sluice.Testing;

namespace Sluice.Integration.Tests.Framework;

/// <summary>
/// The real <c>sluice-scheduler</c> process, started with <c>dotnet</c> from its build output, its output
/// kept for the test's log. <see cref="Kill"/> is a SIGKILL; <see cref="StartAsync"/> again restarts it with
/// the same flags (same ports, same state).
/// </summary>
internal sealed class SchedulerProcess : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public SchedulerProcess(IEnumerable<string> args)
    {
        RestPort = FreePort();
        ControlPlanePort = FreePort();
        _args = [.. args, "--listen", $"http://127.0.0.1:{RestPort}", "--control-plane-listen", $"http://127.0.0.1:{ControlPlanePort}"];
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int RestPort { get; }

    public int ControlPlanePort { get; }

    public HttpClient Api { get; }

    public IReadOnlyCollection<string> Output => _output;

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public static string Dll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = RepositoryRoot.Combine("scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the scheduler first: {dll} is missing.");
        }
    }

    /// <summary>Starts the process and waits until <c>/health</c> answers.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Sluice.Testing.Mesos.MesosTestTasks.DotnetHost)
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
                throw new InvalidOperationException($"the scheduler exited with {process.ExitCode}:\n{string.Join('\n', _output.TakeLast(30))}");
            }
            try
            {
                using var response = await Api.GetAsync("health");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the scheduler answers /health");
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

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 5000 && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
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
