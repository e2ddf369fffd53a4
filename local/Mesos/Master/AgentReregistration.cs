using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Mesos.Master;

/// <summary>
/// What an agent that lost its master tells the master it registers with again (Mesos'
/// <c>ReregisterSlaveMessage</c>): its info with the id it already has, and the frameworks it
/// still runs work of, with their live custom executors and every task not done with (running,
/// or ended with updates the scheduler has not acknowledged yet). A master that failed over
/// rebuilds its view of tasks from these reports.
/// </summary>
internal sealed record AgentReregistration(
    AgentInfo Info,
    IReadOnlyList<FrameworkInfo> Frameworks,
    IReadOnlyList<ExecutorInfo> Executors,
    IReadOnlyList<ReportedTask> Tasks);

/// <summary>A task as the re-registering agent knows it: what was launched, its latest state and latest status.</summary>
internal sealed record ReportedTask(string FrameworkId, TaskInfo Info, TaskState State, TaskStatus? Latest);
