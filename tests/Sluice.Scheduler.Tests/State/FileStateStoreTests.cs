using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Xunit.Abstractions;

namespace Sluice.Scheduler.Tests.State;

public sealed class FileStateStoreTests(ITestOutputHelper output) : StateStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-state-" + Guid.NewGuid().ToString("N")[..12]);
    private FileStateStore? _store;

    internal override Task<IStateStore> CreateStoreAsync()
    {
        _store = FileStateStore.Open(_directory, NullLogger<FileStateStore>.Instance);
        return Task.FromResult<IStateStore>(_store);
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task State_survives_closing_and_reopening_the_directory()
    {
        await Store.PutConsumerAsync(StateSamples.Consumer("orders"), StateVersion.New);
        await Store.PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 7), StateVersion.New);
        _store!.Dispose();

        using var reopened = FileStateStore.Open(_directory, NullLogger<FileStateStore>.Instance);

        var consumer = await reopened.GetConsumerAsync("orders");
        StateSamples.AssertSameJson(StateSamples.Consumer("orders"), consumer!.Value, StateSamples.ConsumerJson);
        Assert.Equal(7, (await reopened.GetOwnershipAsync("orders"))!.Value.Partitions[0].Epoch);
    }

    [Fact]
    public void Second_store_on_the_same_directory_is_refused_while_the_first_is_open()
    {
        var e = Assert.Throws<StateStoreLockedException>(() => FileStateStore.Open(_directory, NullLogger<FileStateStore>.Instance));
        Assert.EndsWith(FileStateStore.LockFileName, e.LockFile);

        _store!.Dispose();
        using var next = FileStateStore.Open(_directory, NullLogger<FileStateStore>.Instance);
    }

    [Fact]
    public async Task Process_killed_while_writing_leaves_the_old_or_the_new_state_never_a_torn_file()
    {
        _store!.Dispose(); // the child process takes the lock
        var random = new Random(1234);
        var lastSeen = -1L;
        for (var round = 0; round < 6; round++)
        {
            using var child = FileStoreWriterProcess.Start(_directory);
            // Let it write for a while (it writes ~0.5 MB records back to back), then SIGKILL it mid-flight.
            await FileStoreWriterProcess.WaitForWritesAsync(child, minimumWrites: 3);
            await Task.Delay(random.Next(5, 150));
            child.Kill();
            await child.WaitForExitAsync();

            using var store = FileStateStore.Open(_directory, NullLogger<FileStateStore>.Instance); // lock released by the kernel
            var record = await store.GetConsumerAsync(FileStoreWriterProcess.ConsumerName);
            Assert.NotNull(record);
            // Consistent: the record at version v is exactly what the writer wrote as its v-th write.
            Assert.Equal(record.Version, record.Value.Spec.DesiredInstances);
            Assert.Equal(FileStoreWriterProcess.Payload(record.Version), record.Value.Spec.Versions[0].Environment["PAYLOAD"]);
            Assert.True(record.Version > lastSeen, $"version {record.Version} after {lastSeen}: a completed write was lost");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: killed at version {record.Version}"));
            lastSeen = record.Version;
        }
    }
}

/// <summary>
/// The child process of the crash test: the test assembly run with <c>dotnet</c> and the arguments
/// <c>file-store-writer &lt;directory&gt;</c> (see <see cref="TestProcessEntryPoint"/>). It opens the file store and
/// writes the consumer record over and over (version v holds DesiredInstances = v and a payload derived from v),
/// printing one line per completed write.
/// </summary>
internal static class FileStoreWriterProcess
{
    public const string Command = "file-store-writer";
    public const string ConsumerName = "crash-test";

    public static string Payload(long version) => new((char)('a' + (int)(version % 26)), 512 * 1024);

    public static Process Start(string directory)
    {
        var assembly = typeof(FileStoreWriterProcess).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { assembly, Command, directory }) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the writer process");
    }

    public static async Task WaitForWritesAsync(Process child, int minimumWrites)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var writes = 0; writes < minimumWrites;)
        {
            var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                       ?? throw new InvalidOperationException($"The writer exited early: {await child.StandardError.ReadToEndAsync(timeout.Token)}");
            if (line.StartsWith("wrote ", StringComparison.Ordinal)) writes++;
        }
    }

    public static int Run(string directory)
    {
        using var store = FileStateStore.Open(directory, NullLogger<FileStateStore>.Instance);
        var current = store.GetConsumerAsync(ConsumerName).GetAwaiter().GetResult();
        var version = current?.Version ?? StateVersion.New;
        while (true)
        {
            var next = version + 1;
            var record = StateSamples.Consumer(ConsumerName, desiredInstances: (int)next, payload: Payload(next));
            version = store.PutConsumerAsync(record, version).GetAwaiter().GetResult().Version;
            Console.Out.WriteLine($"wrote {version}");
            Console.Out.Flush();
        }
    }
}
