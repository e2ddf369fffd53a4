using Sluice.Local.Kafka;
using Sluice.Local.Mesos;

namespace Sluice.Local;

/// <summary>The <c>sluice-local</c> command line: parses arguments with clear errors and runs a command.</summary>
internal static class LocalCommandLine
{
    private const string Usage = """
        usage: sluice-local up --scheduler PATH [--home .local] [--port 8080] [--control-plane-port 8081] [--mesos-port 5050]
                               [--agents 2] [--topic demo] [--partitions 12] [--rate 200]
               sluice-local kafka [--brokers N] [--topic NAME] [--partitions N] [--bootstrap-file PATH]
               sluice-local mesos [--port 5050] [--agents N] [--resources "cpus:4;mem:8192;ports:[31000-32000]"]
                                  [--attributes "rack:a"] [--heartbeat-seconds 15] [--work-dir PATH] [--master-file PATH]
                                  [--credentials PATH]
          up      run everything: Kafka, Mesos, the scheduler (PATH = sluice-scheduler.dll) and a demo consumer under load
          kafka   run the embedded Kafka (librdkafka's mock cluster) on 127.0.0.1 until Ctrl-C
          mesos   run a local Mesos master and agents (HTTP v1 API, real executor processes) until Ctrl-C;
                  --credentials: Mesos' credentials file (JSON {"credentials":[{"principal":..,"secret":..}]}
                  or 'principal secret' lines): schedulers must then authenticate with HTTP basic
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            return args[0] switch
            {
                "up" => await RunUpAsync(Options.Parse(args.AsSpan(1)), output),
                "kafka" => await RunKafkaAsync(Options.Parse(args.AsSpan(1)), output),
                "mesos" => await RunMesosAsync(Options.Parse(args.AsSpan(1)), output),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            error.WriteLine($"sluice-local: {ex.Message}");
            error.WriteLine(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // E.g. the port is taken, or the credentials file is missing.
            error.WriteLine($"sluice-local: {ex.Message}");
            return 1;
        }
        catch (EmbeddedKafkaException ex)
        {
            error.WriteLine($"sluice-local: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunUpAsync(Options options, TextWriter output)
    {
        var settings = new Up.LocalWorldOptions(
            Path.GetFullPath(options.String("--home", ".local")),
            options.StringOrNull("--scheduler") ?? throw new UsageException("up needs --scheduler PATH (sluice-scheduler.dll)"),
            Environment.ProcessPath ?? "dotnet",
            options.Int("--port", 8080, min: 1, max: 65535),
            options.Int("--control-plane-port", 8081, min: 1, max: 65535),
            options.Int("--mesos-port", 5050, min: 0, max: 65535),
            options.Int("--agents", 2, min: 1, max: 16),
            options.String("--topic", "demo"),
            options.Int("--partitions", 12, min: 1, max: 10_000),
            options.Int("--rate", 200, min: 0, max: 1_000_000));
        options.ThrowOnUnknown();
        if (!File.Exists(settings.SchedulerDll))
        {
            throw new UsageException($"--scheduler '{settings.SchedulerDll}' does not exist (build the scheduler first)");
        }
        using var stop = new CancellationTokenSource();
        var waiting = WaitForStopAsync().ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
        return await new Up.LocalWorld(settings, output).RunAsync(stop.Token);
    }

    private static async Task<int> RunKafkaAsync(Options options, TextWriter output)
    {
        var brokers = options.Int("--brokers", 1, min: 1, max: 32);
        var topic = options.String("--topic", "demo");
        var partitions = options.Int("--partitions", 12, min: 1, max: 10_000);
        var bootstrapFile = options.StringOrNull("--bootstrap-file");
        options.ThrowOnUnknown();

        using var kafka = EmbeddedKafka.Start(brokers);
        kafka.CreateTopic(topic, partitions);
        if (bootstrapFile is not null)
        {
            await File.WriteAllTextAsync(bootstrapFile, kafka.BootstrapServers + "\n");
        }

        output.WriteLine($"embedded Kafka: {brokers} broker(s), topic '{topic}' with {partitions} partitions");
        output.WriteLine($"bootstrap servers: {kafka.BootstrapServers}");
        output.WriteLine($"try: kcat -b {kafka.BootstrapServers} -L");
        output.WriteLine("Ctrl-C stops it.");
        await WaitForStopAsync();
        output.WriteLine("embedded Kafka stopped.");
        return 0;
    }

    private static async Task<int> RunMesosAsync(Options options, TextWriter output)
    {
        var mesosOptions = new LocalMesosOptions
        {
            MasterPort = options.Int("--port", 5050, min: 0, max: 65535),
            AgentCount = options.Int("--agents", 1, min: 1, max: 64),
            AgentResources = options.String("--resources", new LocalMesosOptions().AgentResources),
            AgentAttributes = options.StringOrNull("--attributes"),
            HeartbeatInterval = TimeSpan.FromSeconds(options.Int("--heartbeat-seconds", 15, min: 1, max: 3600)),
            WorkDirectory = options.StringOrNull("--work-dir"),
        };
        var masterFile = options.StringOrNull("--master-file");
        if (options.StringOrNull("--credentials") is { } credentialsFile)
        {
            try
            {
                mesosOptions.Credentials = CredentialsFile.Parse(await File.ReadAllTextAsync(credentialsFile));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--credentials {credentialsFile}: {ex.Message}");
            }
        }
        options.ThrowOnUnknown();
        try
        {
            mesosOptions.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        await using var world = await LocalMesosWorld.StartAsync(mesosOptions);
        if (masterFile is not null)
        {
            await File.WriteAllTextAsync(masterFile, world.MasterUrl + "\n");
        }
        output.WriteLine($"local Mesos master: {world.MasterUrl} (scheduler API {world.MasterUrl}api/v1/scheduler, state {world.MasterUrl}master/state)");
        foreach (var agent in world.Agents)
        {
            output.WriteLine($"agent {agent.Id}: executor endpoint {agent.Endpoint}, resources {mesosOptions.AgentResources}");
        }
        if (mesosOptions.Credentials.Count > 0)
        {
            output.WriteLine($"schedulers authenticate with HTTP basic credentials ({mesosOptions.Credentials.Count} principal(s))");
        }
        output.WriteLine($"sandboxes under {world.WorkDirectory}");
        output.WriteLine("Ctrl-C stops it (and every executor it started).");
        await WaitForStopAsync();
        output.WriteLine("local Mesos stopped.");
        return 0;
    }

    private static async Task WaitForStopAsync()
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                stop.Cancel();
            });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
