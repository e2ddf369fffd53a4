using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Engine;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Engine;

/// <summary>
/// Which tasks get a leader hint and when (the pure part of <see cref="LeaderHints"/>, on fake time); delivery through
/// the real local Mesos to a real executor is Sluice.Integration.Tests' LeaderHintThroughMesosTests.
/// </summary>
public sealed class LeaderHintsTests
{
    private static readonly LeaderHint Hint = new() { ControlPlaneAddress = "10.0.0.7:8081", SchedulerId = "s2", Term = 42 };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly ExecutorRegistry _registry = new();
    private readonly ConcurrentQueue<(TimeSpan At, Call Call)> _sent = new();
    private readonly TaskBook _book;

    public LeaderHintsTests() => _book = new TaskBook(new MemoryStateStore(), _registry, _time);

    private LeaderHints CreateSut() => new(_book, _registry, Hint, new EngineOptions(), _time, NullLogger<LeaderHints>.Instance);

    private Task Send(Call call, CancellationToken cancellationToken)
    {
        _sent.Enqueue((_time.GetUtcNow() - DateTimeOffset.UnixEpoch, call));
        return Task.CompletedTask;
    }

    private void Track(string taskId, MesosTaskState state, string? agentId = "agent-1", bool killSent = false) =>
        _book.Add(new TrackedTask(taskId, "orders", "v1", agentId, state, _time.GetTimestamp()) { KillSent = killSent });

    private void Connect(string taskId) => _registry.Register(new ExecutorSession(new Hello { TaskId = taskId, Consumer = "orders" }, _time));

    [Fact]
    public async Task SendDue_RunningTaskNotConnected_GetsOneMessageToItsExecutorCarryingTheHint()
    {
        Track("waiting", MesosTaskState.Running);
        Track("connected", MesosTaskState.Running);
        Connect("connected");
        Track("staging", MesosTaskState.Staging);
        Track("starting", MesosTaskState.Starting);
        Track("no-agent", MesosTaskState.Running, agentId: null);
        Track("being-killed", MesosTaskState.Running, killSent: true);
        Track("finished", MesosTaskState.Finished);

        var count = await CreateSut().SendDueAsync(Send, default);

        Assert.Equal(1, count);
        var call = Assert.Single(_sent).Call;
        Assert.Equal(Call.Types.Type.Message, call.Type);
        Assert.Equal(("agent-1", "waiting"), (call.Message.AgentId.Value, call.Message.ExecutorId.Value));
        Assert.Equal(Hint, LeaderHint.Parser.ParseFrom(call.Message.Data));
    }

    [Fact]
    public async Task SendDue_TaskStaysDisconnected_RepeatsAfterTwoSecondsThenDoublingUpToThirtySeconds()
    {
        Track("waiting", MesosTaskState.Running);
        var sut = CreateSut();

        for (var tick = 0; tick <= 200; tick++)
        {
            await sut.SendDueAsync(Send, default);
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal([0d, 2, 6, 14, 30, 60, 90], _sent.Select(s => s.At.TotalSeconds));
    }

    [Fact]
    public async Task SendDue_TaskConnects_NoMoreHintsAndAfterALaterDisconnectItStartsAfresh()
    {
        Track("task", MesosTaskState.Running);
        var sut = CreateSut();
        await sut.SendDueAsync(Send, default);
        _time.Advance(TimeSpan.FromSeconds(2));
        await sut.SendDueAsync(Send, default);
        var session = new ExecutorSession(new Hello { TaskId = "task", Consumer = "orders" }, _time);
        _registry.Register(session);

        for (var second = 0; second < 60; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await sut.SendDueAsync(Send, default);
        }
        Assert.Equal(2, _sent.Count);

        _registry.Unregister(session);
        await sut.SendDueAsync(Send, default);
        Assert.Equal(3, _sent.Count);
        _time.Advance(TimeSpan.FromSeconds(2));
        await sut.SendDueAsync(Send, default);
        Assert.Equal(4, _sent.Count);
    }

    [Fact]
    public async Task SendDue_TaskEnds_NoMoreHints()
    {
        Track("task", MesosTaskState.Running);
        var sut = CreateSut();
        await sut.SendDueAsync(Send, default);

        _book.Update("task", t => t.State = MesosTaskState.Failed);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await sut.SendDueAsync(Send, default));
    }

    [Fact]
    public async Task RunAsync_SendsOnlyWhileSubscribed()
    {
        Track("task", MesosTaskState.Running);
        var subscribed = false;
        using var stop = new CancellationTokenSource();
        var run = CreateSut().RunAsync(() => Volatile.Read(ref subscribed), Send, stop.Token);

        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(10);
        }
        Assert.True(_sent.IsEmpty);

        Volatile.Write(ref subscribed, true);
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            return _sent.Count > 0;
        }, TimeSpan.FromSeconds(10), "a hint goes out once subscribed");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
