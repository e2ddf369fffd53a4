using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Sluice.Testing;
using Sluice.Testing.Mesos;

namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>
/// The real scheduler (scheduler/bin/&lt;Configuration&gt;/net10.0/sluice-scheduler.dll) as a process on free loopback
/// ports, with a file state store and an unreachable Mesos master and Kafka (the REST API serves regardless).
/// Started once per fixture; killed and its state deleted at the end.
/// </summary>
public class SchedulerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private readonly ConcurrentQueue<string> _output = new();
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-cli-scheduler-");
    private Process? _process;

    /// <summary>The REST API, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Api { get; private set; } = "";

    /// <summary>The scheduler's <c>--api-token</c>, or null for none.</summary>
    protected virtual string? ApiToken => null;

    /// <summary>What the scheduler printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        Api = $"http://127.0.0.1:{port}";
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepositoryRoot.Combine("scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
        var start = new ProcessStartInfo(MesosTestTasks.DotnetHost) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[dll,
                     "--master", $"http://127.0.0.1:{FreePort.Next()}", "--state", $"file:{_state.FullName}", "--kafka", "127.0.0.1:9",
                     "--listen", Api, "--control-plane-listen", $"http://127.0.0.1:{FreePort.Next()}"])
        {
            start.ArgumentList.Add(arg);
        }
        if (ApiToken is not null)
        {
            start.ArgumentList.Add("--api-token");
            start.ArgumentList.Add(ApiToken);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SLUICE_", StringComparison.Ordinal) || k.StartsWith("PORT", StringComparison.Ordinal) || k == "MESOS_TASK_ID").ToList())
        {
            start.Environment.Remove(name);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("the scheduler did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitHealthyAsync(http);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the scheduler printed:\n{Output}", e);
        }
    }

    private Task WaitHealthyAsync(HttpClient http) =>
        Eventually.TrueAsync(async () =>
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"the scheduler exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync($"{Api}/health");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, StartLimit, $"the scheduler answers {Api}/health");

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        _state.Delete(recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
