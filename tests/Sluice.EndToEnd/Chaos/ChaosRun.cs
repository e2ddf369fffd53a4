using System.Globalization;
using Sluice.EndToEnd.World;
using Sluice.Testing;

namespace Sluice.EndToEnd.Chaos;

/// <summary>One scenario's running world: the consumer under load, and the notes it keeps for its outcome.</summary>
internal sealed class ChaosRun(SluiceWorld world, LoadProducer load, ChaosContext context, string topic, string? deadLetterTopic)
{
    public const string Consumer = "chaos";

    private readonly List<string> _notes = [];

    public SluiceWorld World { get; } = world;

    public LoadProducer Load { get; } = load;

    public ChaosContext Context { get; } = context;

    public ChaosSettings Settings => Context.Settings;

    public string Topic { get; } = topic;

    public string? DeadLetterTopic { get; } = deadLetterTopic;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>A line for the log and the outcome, stamped with the wall clock (to compare with the executors' stamps).</summary>
    public void Note(string line)
    {
        var stamped = $"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {line}";
        _notes.Add(stamped);
        Context.Log(stamped);
    }

    /// <summary>
    /// Keeps the world under load for the settings' steady time, counted in records Kafka acknowledged (so a
    /// stalled producer cannot pass for a quiet world).
    /// </summary>
    public Task RunSteadyAsync()
    {
        var target = Load.Count + (int)(Settings.RecordsPerSecond * Settings.Steady.TotalSeconds);
        return Eventually.TrueAsync(() => Load.Count >= target, Settings.StepTimeout, $"the load reaches {target} records");
    }

    /// <summary>The consumer's tasks in Mesos state running, each with its executor's pid.</summary>
    public async Task<IReadOnlyDictionary<string, int?>> RunningTasksAsync() =>
        (await World.TasksAsync(Consumer)).Order(StringComparer.Ordinal).ToDictionary(t => t, ExecutorProcesses.FindPid);

    /// <summary>Every instance serves again: running, connected, owning every partition.</summary>
    public Task WaitUntilServedAsync(int? instances = null) =>
        World.WaitUntilServedByAsync(Consumer, instances ?? Settings.Instances, Settings.Partitions, Settings.StepTimeout);
}
