using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Testing;
using Sluice.Testing.Logging;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>
/// A batch of moves (<see cref="HandoverCoordinator.MoveManyAsync"/>) goes on partition by partition: each one's release →
/// transfer → assign follows its own release, not the slowest of the batch. Executors are scripted in process
/// (<see cref="ScriptedExecutor"/>); the protocol end to end is Sluice.Integration.Tests' HandoverThroughControlPlaneTests.
/// </summary>
public sealed class PartitionByPartitionHandoverTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly PartitionKey Slow = new("orders", 0);
    private static readonly PartitionKey Quick = new("orders", 1);

    private readonly ExecutorRegistry _registry = new();
    private readonly MemoryOwnershipLedger _ledger = new();
    private readonly RecordingTerminator _terminator = new();
    private readonly ListLoggerFactory _logs = new();
    private readonly List<ScriptedExecutor> _executors = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var executor in _executors)
        {
            await executor.DisposeAsync();
        }
    }

    private HandoverCoordinator CreateSut() => new(_registry, _ledger, _terminator, new FixedStartOffset(0), new HandoverOptions(), TimeProvider.System,
        _logs.CreateLogger<HandoverCoordinator>());

    private ScriptedExecutor Connect(string taskId, long nextOffset = 0)
    {
        var executor = ScriptedExecutor.Connect(_registry, taskId, nextOffset);
        _executors.Add(executor);
        return executor;
    }

    private async Task OwnAsync(PartitionKey partition, ScriptedExecutor owner) =>
        await ((IOwnershipLedger)_ledger).TransferAsync(partition, 0, owner.TaskId, 0, CancellationToken.None);

    [Fact]
    public async Task A_slow_release_does_not_hold_up_the_assignment_of_another_partition_of_the_batch()
    {
        var blueA = Connect("orders.blue.a", nextOffset: 500);
        var blueB = Connect("orders.blue.b", nextOffset: 700);
        var green = Connect("orders.green.a");
        await OwnAsync(Slow, blueA);
        await OwnAsync(Quick, blueB);
        blueA.Hold(Slow);

        var batch = CreateSut().MoveManyAsync([new PartitionMove(Slow, blueA.TaskId, green.TaskId), new PartitionMove(Quick, blueB.TaskId, green.TaskId)],
            CancellationToken.None);

        await Eventually.WithinAsync(blueA.ReleaseAskedAsync(Slow), Patience, "the slow partition's release is under way");
        var assigned = await Eventually.WithinAsync(green.AssignedAsync(Quick), Patience,
            "the quick partition reaches its new owner while the slow one is still being released");
        Assert.Equal((2L, 700L), (assigned.Epoch, assigned.StartOffset));
        Assert.False(green.AssignedAsync(Slow).IsCompleted);
        Assert.Equal(OwnershipPhase.Releasing, (await _ledger.GetAsync(Slow, CancellationToken.None))!.Phase);

        blueA.LetGo(Slow);
        var results = await Eventually.WithinAsync(batch, Patience, "the batch ends once the slow release is done");

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(
            [(Slow, blueA.TaskId, green.TaskId, 2L, 500L, true), (Quick, blueB.TaskId, green.TaskId, 2L, 700L, true)],
            results.Select(r => r.Outcome!).Select(o => (o.Partition, o.From, o.To, o.Epoch, o.StartOffset, o.Clean)));
        Assert.Equal(
            [new OwnershipEntry(Slow, green.TaskId, 2, OwnershipPhase.Owned, 500), new OwnershipEntry(Quick, green.TaskId, 2, OwnershipPhase.Owned, 700)],
            _ledger.Snapshot());
        Assert.Empty(_terminator.Killed);
        // The quick transfer could not wait for the slow one, so each had a write of its own.
        Assert.Contains(_logs.Entries, e => e.Message.Contains("batch of 2 (2 from live owners)", StringComparison.Ordinal)
            && e.Message.Contains("2 ledger writes for the transfers", StringComparison.Ordinal));
    }

    private sealed class RecordingTerminator : IOwnerTerminator
    {
        private readonly ConcurrentQueue<string> _killed = new();

        public IReadOnlyList<string> Killed => [.. _killed];

        public Task KillAsync(string taskId, string reason, CancellationToken cancellationToken)
        {
            _killed.Enqueue(taskId);
            return Task.CompletedTask;
        }
    }

    private sealed class FixedStartOffset(long offset) : IStartOffsetResolver
    {
        public Task<long> ResolveAsync(PartitionKey partition, CancellationToken cancellationToken) => Task.FromResult(offset);
    }
}
