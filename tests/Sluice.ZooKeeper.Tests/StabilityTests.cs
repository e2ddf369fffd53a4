using System.Diagnostics;
using System.Globalization;
using Sluice.Testing.ZooKeeper;
using Xunit.Abstractions;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class StabilityTests(ZooKeeperServer server, ITestOutputHelper output) : ZooKeeperTestBase(server)
{
    private const int InFlight = 500;
    private const int WarmUpOperations = 30_000;
    private const int MeasuredOperations = 100_000;
    private const long ManagedGrowthBound = 16L << 20;
    private const long RssGrowthBound = 96L << 20;

    [Fact]
    public async Task Hundred_thousand_operations_leave_no_pending_entries_and_flat_memory()
    {
        var path = Root + "/stress";
        await Client.CreateAsync(path, Bytes("0"), CreateMode.Persistent);

        await RunAsync(path, WarmUpOperations);
        var (managedBefore, rssBefore) = Measure();
        var stopwatch = Stopwatch.StartNew();
        var failures = await RunAsync(path, MeasuredOperations);
        var elapsed = stopwatch.Elapsed;
        var (managedAfter, rssAfter) = Measure();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{MeasuredOperations} ops ({InFlight} in flight) in {elapsed.TotalSeconds:0.00} s = {MeasuredOperations / elapsed.TotalSeconds:0} ops/s; " +
            $"managed {managedBefore >> 10} -> {managedAfter >> 10} KiB, RSS {rssBefore >> 10} -> {rssAfter >> 10} KiB; expected failures {failures}"));
        Assert.Equal(MeasuredOperations / 10 + MeasuredOperations / 20, failures);
        Assert.Equal(0, Client.PendingCount);
        Assert.Equal(0, Native.PendingMulti.OutstandingBytes);
        Assert.True(managedAfter - managedBefore < ManagedGrowthBound, $"managed heap grew {(managedAfter - managedBefore) >> 10} KiB");
        Assert.True(rssAfter - rssBefore < RssGrowthBound, $"RSS grew {(rssAfter - rssBefore) >> 10} KiB");
    }

    /// <summary>
    /// <see cref="InFlight"/> at a time: sets and gets, and per ten operations one read of a missing node (NoNode) and
    /// one multi (check + set; every other one failing on a missing node, exercising the native buffers' free paths).
    /// Returns the number of expected failures.
    /// </summary>
    private async Task<int> RunAsync(string path, int operations)
    {
        var next = 0;
        var failures = 0;
        var payload = Bytes(new string('x', 100));
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= operations)
            {
                switch (i % 10)
                {
                    case 0:
                        try
                        {
                            await Client.GetAsync(path + "-missing");
                        }
                        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
                        {
                            Interlocked.Increment(ref failures);
                        }

                        break;
                    case 5:
                        try
                        {
                            var guard = i % 20 == 5 ? path + "-missing" : path;
                            await Client.MultiAsync([ZooKeeperOp.Check(guard, ZooKeeperVersion.Any), ZooKeeperOp.Set(path, payload, ZooKeeperVersion.Any)]);
                        }
                        catch (ZooKeeperMultiException e) when (e.Code == ZooKeeperErrorCode.NoNode && e.FailedIndex == 0)
                        {
                            Interlocked.Increment(ref failures);
                        }

                        break;
                    case var odd when odd % 2 == 1:
                        await Client.SetAsync(path, payload, ZooKeeperVersion.Any);
                        break;
                    default:
                        var length = (await Client.GetAsync(path)).Data.Length;
                        Assert.True(length is 1 or 100, $"read {length} bytes");
                        break;
                }
            }
        }));
        return failures;
    }

    private static (long Managed, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
