using System.Text;
using Google.Protobuf;
using Sluice.Mesos.Executor;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using Environment = System.Environment;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

// A small custom executor for the local-Mesos tests, on the protocol layer's executor client: it
// subscribes through MESOS_AGENT_ENDPOINT and, for each launched task, does what the task's data says:
//   "run"         report TASK_RUNNING (with the executor's MESOS_* environment and pid as data), then wait;
//                 KILL => TASK_KILLED
//   "finish"      TASK_RUNNING then TASK_FINISHED
//   "crash"       TASK_RUNNING, then exit with status 3 once the agent acknowledged it
//   "ignore-kill" like "run", but ignores KILL (the agent has to escalate)
// SHUTDOWN => TASK_KILLED for every open task; a framework MESSAGE is echoed back as "echo:<data>".
// It exits when every task is terminal and every update acknowledged, or when the agent goes away.
await using var client = new MesosExecutorClientBuilder(ExecutorEnvironment.FromEnvironment()).Build();

var modes = new Dictionary<string, string>(StringComparer.Ordinal);
var states = new Dictionary<string, TaskState>(StringComparer.Ordinal);
ByteString? crashAfter = null;
var shuttingDown = false;

await foreach (var ev in client.SubscribeAsync())
{
    switch (ev.Type)
    {
        case Event.Types.Type.Subscribed:
            Console.WriteLine($"subscribed to agent {ev.Subscribed.AgentInfo.Id.Value}");
            break;
        case Event.Types.Type.Launch:
            var task = ev.Launch.Task;
            var mode = task.Data.IsEmpty ? "run" : task.Data.ToStringUtf8();
            modes[task.TaskId.Value] = mode;
            Console.WriteLine($"launch {task.TaskId.Value} ({mode})");
            var running = await UpdateAsync(task.TaskId.Value, TaskState.TaskRunning, EnvironmentReport());
            if (mode == "crash")
            {
                crashAfter = running;
            }
            else if (mode == "finish")
            {
                await UpdateAsync(task.TaskId.Value, TaskState.TaskFinished, ByteString.Empty);
            }
            break;
        case Event.Types.Type.Kill:
            var killed = ev.Kill.TaskId.Value;
            Console.WriteLine($"kill {killed}");
            if (modes.GetValueOrDefault(killed) != "ignore-kill" && states.TryGetValue(killed, out var state) && !IsTerminal(state))
            {
                await UpdateAsync(killed, TaskState.TaskKilled, ByteString.Empty);
            }
            break;
        case Event.Types.Type.Shutdown:
            Console.WriteLine("shutdown");
            shuttingDown = true;
            foreach (var (id, open) in states.ToList())
            {
                if (!IsTerminal(open))
                {
                    await UpdateAsync(id, TaskState.TaskKilled, ByteString.Empty);
                }
            }
            break;
        case Event.Types.Type.Message:
            await client.SendMessageAsync(ByteString.CopyFromUtf8("echo:" + ev.Message.Data.ToStringUtf8()), CancellationToken.None);
            break;
        case Event.Types.Type.Acknowledged:
            if (crashAfter is not null && ev.Acknowledged.Uuid == crashAfter)
            {
                Console.WriteLine("crashing as told by the task");
                return 3;
            }
            break;
    }
    if ((states.Count > 0 || shuttingDown) && states.Values.All(IsTerminal) && client.UnacknowledgedUpdates.Count == 0)
    {
        Console.WriteLine("all tasks done");
        return 0;
    }
}
Console.WriteLine("the agent went away");
return 0;

async Task<ByteString> UpdateAsync(string taskId, TaskState state, ByteString data)
{
    states[taskId] = state;
    return await client.SendUpdateAsync(new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state, Data = data }, CancellationToken.None);
}

static ByteString EnvironmentReport()
{
    var text = new StringBuilder();
    text.Append("PID=").Append(Environment.ProcessId).Append('\n');
    foreach (var name in new[]
    {
        "MESOS_AGENT_ENDPOINT", "MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID", "MESOS_DIRECTORY", "MESOS_SANDBOX",
        "MESOS_SLAVE_ID", "MESOS_SLAVE_PID", "MESOS_CHECKPOINT", "MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX",
        "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "MESOS_HTTP_COMMAND_EXECUTOR", "SLUICE_TEST_VALUE",
    })
    {
        if (Environment.GetEnvironmentVariable(name) is { } value)
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }
    }
    return ByteString.CopyFromUtf8(text.ToString());
}

static bool IsTerminal(TaskState state) => state is TaskState.TaskFinished or TaskState.TaskFailed or TaskState.TaskKilled
    or TaskState.TaskError or TaskState.TaskLost or TaskState.TaskDropped or TaskState.TaskGone or TaskState.TaskGoneByOperator;
