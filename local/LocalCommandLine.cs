using Sluice.Local.Kafka;

namespace Sluice.Local;

/// <summary>The <c>sluice-local</c> command line: parses arguments with clear errors and runs a command.</summary>
internal static class LocalCommandLine
{
    private const string Usage = """
        usage: sluice-local kafka [--brokers N] [--topic NAME] [--partitions N] [--bootstrap-file PATH]
          kafka   run the embedded Kafka (librdkafka's mock cluster) on 127.0.0.1 until Ctrl-C
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
                "kafka" => await RunKafkaAsync(Options.Parse(args.AsSpan(1)), output),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            error.WriteLine($"sluice-local: {ex.Message}");
            error.WriteLine(Usage);
            return 2;
        }
        catch (EmbeddedKafkaException ex)
        {
            error.WriteLine($"sluice-local: {ex.Message}");
            return 1;
        }
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
        output.WriteLine("embedded Kafka stopped.");
        return 0;
    }
}
