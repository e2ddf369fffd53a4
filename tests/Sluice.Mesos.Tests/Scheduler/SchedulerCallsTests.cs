using Google.Protobuf;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Mesos.Tests.Scheduler;

public sealed class SchedulerCallsTests
{
    private static TaskStatus Update(bool withUuid, bool withAgent = true)
    {
        var status = new TaskStatus { TaskId = new TaskID { Value = "t-1" }, State = TaskState.TaskRunning };
        if (withUuid)
        {
            status.Uuid = ByteString.CopyFrom(1, 2, 3);
        }

        if (withAgent)
        {
            status.AgentId = new AgentID { Value = "a-1" };
        }

        return status;
    }

    [Fact]
    public void Acknowledge_UpdateWithUuid_AcknowledgesTaskAgentAndUuid()
    {
        var call = SchedulerCalls.Acknowledge(Update(withUuid: true));

        Assert.NotNull(call);
        Assert.Equal(Call.Types.Type.Acknowledge, call.Type);
        Assert.Equal("t-1", call.Acknowledge.TaskId.Value);
        Assert.Equal("a-1", call.Acknowledge.AgentId.Value);
        Assert.Equal(ByteString.CopyFrom(1, 2, 3), call.Acknowledge.Uuid);
    }

    [Fact]
    public void Acknowledge_UpdateWithoutUuid_IsNotAcknowledged()
    {
        Assert.Null(SchedulerCalls.Acknowledge(Update(withUuid: false)));
        Assert.Null(SchedulerCalls.Acknowledge(Update(withUuid: true, withAgent: false)));
    }

    [Fact]
    public void Resubscribe_SetsBothFrameworkIds_WithoutChangingTheCallersInfo()
    {
        var info = new FrameworkInfo { User = "", Name = "sluice" };

        var call = SchedulerCalls.Resubscribe(info, new FrameworkID { Value = "fw" });

        Assert.Equal("fw", call.FrameworkId.Value);
        Assert.Equal("fw", call.Subscribe.FrameworkInfo.Id.Value);
        Assert.Null(info.Id);
    }

    [Fact]
    public void Subscribe_NewFramework_HasNoFrameworkId()
    {
        var call = SchedulerCalls.Subscribe(new FrameworkInfo { User = "", Name = "sluice" }, "blue");

        Assert.Null(call.FrameworkId);
        Assert.Equal(["blue"], call.Subscribe.SuppressedRoles);
    }

    [Fact]
    public void ReconcileAll_HasAnEmptyReconcileBody_AsMesosRequires()
    {
        var call = SchedulerCalls.ReconcileAll();

        Assert.NotNull(call.Reconcile);
        Assert.Empty(call.Reconcile.Tasks);
    }

    [Fact]
    public void Decline_WithRefusal_SetsFilterSeconds_AndWithoutLeavesMesosDefault()
    {
        var refusing = SchedulerCalls.Decline([new OfferID { Value = "o" }], TimeSpan.FromMinutes(2));
        var plain = SchedulerCalls.Decline([new OfferID { Value = "o" }]);

        Assert.Equal(120, refusing.Decline.Filters.RefuseSeconds);
        Assert.Null(plain.Decline.Filters);
        Assert.Equal(5.0, new Filters().RefuseSeconds);
    }

    [Fact]
    public void Accept_CopiesItsInputs_SoLaterChangesDoNotLeakIntoTheCall()
    {
        var task = new TaskInfo { Name = "t", TaskId = new TaskID { Value = "t-1" }, AgentId = new AgentID { Value = "a" } };
        var call = SchedulerCalls.Accept([new OfferID { Value = "o" }], [SchedulerCalls.Launch(task)], SchedulerCalls.RefuseFor(TimeSpan.FromSeconds(1)));

        task.Name = "changed";

        Assert.Equal("t", call.Accept.Operations[0].Launch.TaskInfos[0].Name);
        Assert.Equal(Offer.Types.Operation.Types.Type.Launch, call.Accept.Operations[0].Type);
        Assert.Equal(1, call.Accept.Filters.RefuseSeconds);
    }

    [Fact]
    public void WithFrameworkId_ReturnsACopy()
    {
        var call = SchedulerCalls.Teardown();

        var withId = call.WithFrameworkId(new FrameworkID { Value = "fw" });

        Assert.Null(call.FrameworkId);
        Assert.Equal("fw", withId.FrameworkId.Value);
    }
}
