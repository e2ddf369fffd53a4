using Microsoft.Extensions.Options;
using Sluice.Scheduler.Api;

namespace Sluice.Scheduler.Tests.Api;

public sealed class OperationTrackerTests
{
    private static (OperationTracker Tracker, ManualClock Time, SchedulerEvents Events) CreateSut(int retained = 1000)
    {
        var time = new ManualClock();
        var events = new SchedulerEvents(time);
        return (new OperationTracker(time, events, Options.Create(new SluiceApiOptions { RetainedOperations = retained })), time, events);
    }

    [Fact]
    public void TryStart_WhileOneActive_ReturnsTheActiveOne()
    {
        var (tracker, _, _) = CreateSut();
        Assert.True(tracker.TryStart(OperationKind.Scale, "c", 3, out var first, out _));
        tracker.MarkRunning(first.Id);

        Assert.False(tracker.TryStart(OperationKind.Scale, "c", 4, out _, out var active));
        Assert.Equal(first.Id, active!.Id);
        Assert.Equal(OperationStatus.Running, active.Status);
        Assert.True(tracker.TryStart(OperationKind.Scale, "other", 1, out _, out _));
    }

    [Fact]
    public void Transitions_Timestamped_Published_AndFinalStatusIsFinal()
    {
        var (tracker, time, events) = CreateSut();
        using var subscription = events.Subscribe();
        tracker.TryStart(OperationKind.Scale, "c", 3, out var op, out _);
        tracker.Announce(op);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(tracker.MarkSucceeded(op.Id, "done"));
        Assert.False(tracker.MarkFailed(op.Id, "too late"));

        var done = tracker.Find(op.Id)!;
        Assert.Equal(OperationStatus.Succeeded, done.Status);
        Assert.Equal("done", done.Message);
        Assert.Equal(op.CreatedAt + TimeSpan.FromSeconds(5), done.UpdatedAt);
        Assert.True(subscription.Reader.TryRead(out var pending));
        Assert.True(subscription.Reader.TryRead(out var succeeded));
        Assert.Equal(("operation.pending", "operation.succeeded"), (pending.Type, succeeded.Type));
        Assert.Equal(op.Id, succeeded.Data!["operationId"]);
    }

    [Fact]
    public void Discard_LeavesNoTrace()
    {
        var (tracker, _, _) = CreateSut();
        tracker.TryStart(OperationKind.Scale, "c", 3, out var op, out _);
        tracker.Discard(op.Id);
        Assert.Null(tracker.Find(op.Id));
        Assert.True(tracker.TryStart(OperationKind.Scale, "c", 3, out _, out _));
    }

    [Fact]
    public void CompletedOperations_BeyondRetention_AreForgottenOldestFirst()
    {
        var (tracker, _, _) = CreateSut(retained: 2);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tracker.TryStart(OperationKind.Scale, "c", i, out var op, out _);
            tracker.MarkSucceeded(op.Id);
            ids.Add(op.Id);
        }
        Assert.Null(tracker.Find(ids[0]));
        Assert.NotNull(tracker.Find(ids[1]));
        Assert.NotNull(tracker.Find(ids[2]));
    }

    [Fact]
    public void FailActive_FailsOnlyThatConsumersActiveOperations()
    {
        var (tracker, _, _) = CreateSut();
        tracker.TryStart(OperationKind.Scale, "c", 3, out var mine, out _);
        tracker.TryStart(OperationKind.Scale, "d", 3, out var other, out _);
        tracker.FailActive("c", "deleted");
        Assert.Equal(OperationStatus.Failed, tracker.Find(mine.Id)!.Status);
        Assert.Equal(OperationStatus.Pending, tracker.Find(other.Id)!.Status);
    }
}

/// <summary>A clock the test moves (only wall-clock time; no timers).</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
