using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Sluice.Mesos.Executor;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Environment = System.Environment;

// A minimal custom executor over the HTTP v1 executor API, for the local-Mesos tests. It reads
// MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID and MESOS_EXECUTOR_ID, subscribes, and for each
// launched task does what the task's data says:
//   "run"         report TASK_RUNNING (with the executor's MESOS_* environment as data), then wait;
//                 KILL => TASK_KILLED
//   "finish"      TASK_RUNNING then TASK_FINISHED
//   "crash"       TASK_RUNNING, then exit with status 3 once the agent acknowledged it
//   "ignore-kill" like "run", but ignores KILL (the agent has to escalate)
// SHUTDOWN => TASK_KILLED for every open task; a framework MESSAGE is echoed back as "echo:<data>". It exits when every task is terminal and every
// update acknowledged, or when the agent closes the stream.
// Calls are built with the protocol layer's ExecutorCalls; the transport is a plain HttpClient
// until the protocol layer's executor client lands.
var endpoint = Required("MESOS_AGENT_ENDPOINT");
var frameworkId = new FrameworkID { Value = Required("MESOS_FRAMEWORK_ID") };
var executorId = new ExecutorID { Value = Required("MESOS_EXECUTOR_ID") };
using var http = new HttpClient { BaseAddress = new Uri($"http://{endpoint}"), Timeout = Timeout.InfiniteTimeSpan };

var modes = new Dictionary<string, string>(StringComparer.Ordinal);
var states = new Dictionary<string, TaskState>(StringComparer.Ordinal);
var unacknowledged = new Dictionary<ByteString, (string TaskId, TaskState State)>();
AgentID? agentId = null;
var shuttingDown = false;

using var subscribe = new HttpRequestMessage(HttpMethod.Post, "/api/v1/executor")
{
    Content = Body(ExecutorCalls.Subscribe(executorId, frameworkId)),
};
subscribe.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-protobuf"));
using var response = await http.SendAsync(subscribe, HttpCompletionOption.ResponseHeadersRead);
if (response.StatusCode != HttpStatusCode.OK)
{
    Console.Error.WriteLine($"SUBSCRIBE answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    return 2;
}
Console.WriteLine("subscribed");
await using var reader = new RecordIOReader(await response.Content.ReadAsStreamAsync());
while (await reader.ReadAsync(static body => Event.Parser.ParseFrom(body), CancellationToken.None) is { } ev)
{
    switch (ev.Type)
    {
        case Event.Types.Type.Subscribed:
            agentId = ev.Subscribed.AgentInfo.Id;
            break;
        case Event.Types.Type.Launch:
            var task = ev.Launch.Task;
            var mode = task.Data.IsEmpty ? "run" : task.Data.ToStringUtf8();
            modes[task.TaskId.Value] = mode;
            Console.WriteLine($"launch {task.TaskId.Value} ({mode})");
            await UpdateAsync(task.TaskId.Value, TaskState.TaskRunning, EnvironmentReport());
            if (mode == "finish")
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
            // Framework messages are echoed back to the scheduler.
            using (var echo = await http.PostAsync("/api/v1/executor",
                Body(ExecutorCalls.Message(executorId, frameworkId, ByteString.CopyFromUtf8("echo:" + ev.Message.Data.ToStringUtf8())))))
            {
            }
            break;
        case Event.Types.Type.Acknowledged:
            if (unacknowledged.Remove(ev.Acknowledged.Uuid, out var acked)
                && acked.State == TaskState.TaskRunning && modes.GetValueOrDefault(acked.TaskId) == "crash")
            {
                Console.WriteLine($"crashing as told by task {acked.TaskId}");
                return 3;
            }
            break;
    }
    if ((states.Count > 0 || shuttingDown) && states.Values.All(IsTerminal) && unacknowledged.Count == 0)
    {
        Console.WriteLine("all tasks done");
        return 0;
    }
}
Console.WriteLine("the agent closed the stream");
return 0;

async Task UpdateAsync(string taskId, TaskState state, ByteString data)
{
    var status = new TaskStatus
    {
        TaskId = new TaskID { Value = taskId },
        State = state,
        Source = TaskStatus.Types.Source.Executor,
        ExecutorId = executorId,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
        Uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
        Data = data,
    };
    if (agentId is not null)
    {
        status.AgentId = agentId;
    }
    states[taskId] = state;
    unacknowledged[status.Uuid] = (taskId, state);
    using var answer = await http.PostAsync("/api/v1/executor", Body(ExecutorCalls.Update(executorId, frameworkId, status)));
    if (answer.StatusCode != HttpStatusCode.Accepted)
    {
        Console.Error.WriteLine($"UPDATE answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }
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

static ByteArrayContent Body(Call call)
{
    var content = new ByteArrayContent(call.ToByteArray());
    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
    return content;
}

static bool IsTerminal(TaskState state) => state is TaskState.TaskFinished or TaskState.TaskFailed or TaskState.TaskKilled
    or TaskState.TaskError or TaskState.TaskLost or TaskState.TaskDropped or TaskState.TaskGone or TaskState.TaskGoneByOperator;

static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set");
