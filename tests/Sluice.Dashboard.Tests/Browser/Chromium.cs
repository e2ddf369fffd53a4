using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Sluice.Testing;

namespace Sluice.Dashboard.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven over the Chrome DevTools Protocol on a WebSocket: no driver binary to keep in
/// step with the browser, no Node runtime, nothing downloaded. <c>SLUICE_CHROMIUM</c> overrides the executable
/// (default <c>/usr/bin/chromium</c>). A missing or broken Chromium fails the test with what to install.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/bin/chromium";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ConcurrentQueue<string> _stderr;

    private Chromium(Process process, string profile, ConcurrentQueue<string> stderr, CdpConnection connection)
    {
        _process = process;
        _profile = profile;
        _stderr = stderr;
        Connection = connection;
    }

    internal CdpConnection Connection { get; }

    public static string Executable => Environment.GetEnvironmentVariable("SLUICE_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;

    public static async Task<Chromium> StartAsync()
    {
        var executable = Executable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {executable}: the dashboard tests need Debian's 'chromium' package " +
                "(apt-get install -y chromium; ./test.sh installs it through scripts/prereqs.sh), or SLUICE_CHROMIUM naming another Chromium.");
        }
        var profile = Directory.CreateTempSubdirectory("sluice-chromium-").FullName;
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--mute-audio", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            $"--user-data-dir={profile}", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var stderr = new ConcurrentQueue<string>();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Chromium at {executable} could not be started: {ex.Message}", ex);
        }
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && !line.Contains("dbus", StringComparison.Ordinal))
            {
                stderr.Enqueue(line);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            // Chromium writes the port it chose and the browser's WebSocket path once it listens.
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            await Eventually.TrueAsync(() => process.HasExited || (File.Exists(portFile) && File.ReadAllLines(portFile).Length >= 2),
                StartTimeout, $"Chromium ({executable}) opens its DevTools port");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Chromium ({executable}) exited with {process.ExitCode} at start: {string.Join(Environment.NewLine, stderr.TakeLast(20))}");
            }
            var lines = await File.ReadAllLinesAsync(portFile);
            using var timeout = new CancellationTokenSource(StartTimeout);
            var connection = await CdpConnection.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), timeout.Token);
            return new Chromium(process, profile, stderr, connection);
        }
        catch
        {
            Kill(process);
            TryDelete(profile);
            throw;
        }
    }

    /// <summary>A new tab (its own sessionStorage) of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public async Task<BrowserPage> OpenPageAsync(int width = 1400, int height = 1000)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"Chromium exited ({_process.ExitCode}): {string.Join(Environment.NewLine, _stderr.TakeLast(20))}");
        }
        var target = await Connection.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var targetId = target["targetId"]!.GetValue<string>();
        var attached = await Connection.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true });
        var page = new BrowserPage(this, targetId, attached["sessionId"]!.GetValue<string>());
        await page.InitializeAsync(width, height);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.SendAsync("Browser.close");
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // Teardown: whatever state Chromium is in, it is killed below.
        }
        await Connection.DisposeAsync();
        Kill(_process);
        _process.Dispose();
        TryDelete(_profile);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be flushing its profile; it is a temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
