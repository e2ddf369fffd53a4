using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// Debian's ZooKeeper server (<c>java</c> + the jars of the <c>zookeeper</c> package) as a child process on a
/// free loopback port, with a temporary data directory that survives kill and restart.
/// </summary>
internal sealed class EmbeddedZooKeeperServer : IZooKeeperServerBackend
{
    public const string DefaultJarDirectory = "/usr/share/java";
    private const string ConfDirectory = "/etc/zookeeper/conf";
    private const int MaxOutputLines = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private const string WatchdogScript = """
        parent=$1; shift
        "$@" &
        child=$!
        while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill -9 "$child" 2>/dev/null
        wait "$child"
        """;

    private readonly string _directory;
    private readonly string _jarDirectory;
    private readonly Func<string?> _findJava;
    private readonly Queue<string> _output = new();
    private Process? _process;

    /// <param name="jarDirectory">Where Debian's zookeeper package puts its jars.</param>
    /// <param name="findJava">Locates the java executable (default: JAVA_HOME, then PATH).</param>
    public EmbeddedZooKeeperServer(string jarDirectory = DefaultJarDirectory, Func<string?>? findJava = null)
    {
        _jarDirectory = jarDirectory;
        _findJava = findJava ?? FindJava;
        _directory = Path.Combine(Path.GetTempPath(), "sluice-zk-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public string Kind => "embedded";

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The temporary directory holding zoo.cfg and the data.</summary>
    public string Directory => _directory;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var java = _findJava() ?? throw new InvalidOperationException(
            "Cannot start the test ZooKeeper server: no 'java' on PATH. Run ./test.sh, it installs zookeeper (and its Java runtime).");
        var serverJar = Path.Combine(_jarDirectory, "zookeeper.jar");
        if (!File.Exists(serverJar))
        {
            throw new InvalidOperationException(
                $"Cannot start the test ZooKeeper server: {serverJar} is missing. Run ./test.sh, it installs zookeeper.");
        }

        System.IO.Directory.CreateDirectory(Path.Combine(_directory, "data"));
        // A port picked as free can be taken before the server binds it: retry with a new one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            WriteConfig();
            try
            {
                await LaunchAndWaitAsync(java, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ServerExitedException) when (attempt < 3)
            {
            }
        }
    }

    public async Task KillAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException("The ZooKeeper server is not running.");
        _process = null;
        process.Kill(entireProcessTree: true); // SIGKILL to the watchdog and the JVM
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        process.Dispose();
    }

    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (_process is not null) await KillAsync(cancellationToken).ConfigureAwait(false);
        var java = _findJava() ?? throw new InvalidOperationException("'java' disappeared from PATH.");
        await LaunchAndWaitAsync(java, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }

            process.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort in teardown
        }
    }

    private async Task LaunchAndWaitAsync(string java, CancellationToken cancellationToken)
    {
        lock (_output) _output.Clear();
        // java runs under a small sh watchdog that SIGKILLs it when this process dies (a crashed or killed test host
        // must not leave a JVM behind); killing the tree kills both.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
                 {
                     "-c", WatchdogScript, "sluice-zookeeper", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), java,
                     "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                     "-Dzookeeper.root.logger=INFO,CONSOLE", "-Dzookeeper.log.dir=" + _directory,
                     "-cp", $"{_jarDirectory}/*:{ConfDirectory}",
                     "org.apache.zookeeper.server.quorum.QuorumPeerMain", Path.Combine(_directory, "zoo.cfg"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await FourLetterWords.IsOkAsync(Host, Port, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false)) return;
            if (process.HasExited)
            {
                _process = null;
                throw new ServerExitedException(
                    $"The test ZooKeeper server exited with code {process.ExitCode} before answering ruok on port {Port}.{Environment.NewLine}{Output()}");
            }

            if (stopwatch.Elapsed > StartTimeout)
            {
                throw new TimeoutException(
                    $"The test ZooKeeper server did not answer ruok on {Host}:{Port} within {StartTimeout.TotalSeconds:0} s.{Environment.NewLine}{Output()}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void WriteConfig()
    {
        var config = new StringBuilder()
            .AppendLine("tickTime=2000")
            .AppendLine("initLimit=10")
            .AppendLine("syncLimit=5")
            .AppendLine(CultureInfo.InvariantCulture, $"dataDir={Path.Combine(_directory, "data")}")
            .AppendLine(CultureInfo.InvariantCulture, $"clientPort={Port}")
            .AppendLine("clientPortAddress=127.0.0.1")
            .AppendLine("maxClientCnxns=0")
            .AppendLine("admin.enableServer=false")
            .AppendLine("4lw.commands.whitelist=*")
            .AppendLine("preAllocSize=4096")
            .ToString();
        File.WriteAllText(Path.Combine(_directory, "zoo.cfg"), config);
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines) _output.Dequeue();
        }
    }

    private string Output()
    {
        lock (_output) return "Last server output:" + Environment.NewLine + string.Join(Environment.NewLine, _output);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindJava()
    {
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrEmpty(javaHome) && File.Exists(Path.Combine(javaHome, "bin", "java"))) return Path.Combine(javaHome, "bin", "java");
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "java");
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    private sealed class ServerExitedException(string message) : Exception(message);
}
