using System.Globalization;
using Google.Protobuf;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.State.Model;
using ModelFailurePolicy = Sluice.Scheduler.State.Model.FailurePolicy;
using ProtoFailurePolicy = Sluice.Proto.ControlPlane.V1.FailurePolicy;
using ProtoWorkerSettings = Sluice.Proto.ControlPlane.V1.WorkerSettings;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Builds the TaskInfo of a consumer task (DESIGN.md §3.3): an executor of its own running Sluice's
/// executor, the version's resources taken from the offer (keeping each resource's role and
/// allocation), and <c>TaskInfo.data</c> = a <see cref="TaskData"/> with the control-plane address,
/// the consumer's Kafka settings, handler and worker settings.
/// </summary>
internal sealed class TaskInfoFactory(
    ExecutorArtifact executor,
    string controlPlaneAddress,
    string kafkaBootstrap,
    IReadOnlyDictionary<string, string> kafkaConsumerConfig,
    ControlPlaneOptions controlPlane,
    EngineOptions options)
{
    public static string NewTaskId(string consumer, string version) =>
        $"{consumer}.{version}.{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Every task runs in an executor of its own, named after the task (MESSAGE calls address it so).</summary>
    public static ExecutorID ExecutorIdOf(string taskId) => new() { Value = taskId };

    /// <summary>What a task of <paramref name="version"/> needs from an offer, its executor's share included.</summary>
    public TaskResources Need(ConsumerVersion version) => new(
        version.Resources.Cpus + options.ExecutorCpus, version.Resources.MemoryMb + options.ExecutorMemoryMb, version.Resources.DiskMb);

    public TaskInfo Build(ConsumerSpec spec, ConsumerVersion version, long revision, string taskId, Offer offer, List<Resource> remaining)
    {
        var executorInfo = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = ExecutorIdOf(taskId),
            Name = $"sluice executor {spec.Name} {version.Id}",
            Command = executor.Command(version.ArtifactUris),
        };
        executorInfo.Resources.AddRange(Take(remaining, "cpus", options.ExecutorCpus));
        executorInfo.Resources.AddRange(Take(remaining, "mem", options.ExecutorMemoryMb));

        var task = new TaskInfo
        {
            Name = $"{spec.Name}.{version.Id}",
            TaskId = new TaskID { Value = taskId },
            AgentId = offer.AgentId.Clone(),
            Executor = executorInfo,
            Data = Data(spec, version, revision).ToByteString(),
        };
        task.Resources.AddRange(Take(remaining, "cpus", version.Resources.Cpus));
        task.Resources.AddRange(Take(remaining, "mem", version.Resources.MemoryMb));
        if (version.Resources.DiskMb > 0)
        {
            task.Resources.AddRange(Take(remaining, "disk", version.Resources.DiskMb));
        }
        task.Labels = new Labels();
        task.Labels.Labels_.Add(new Label { Key = "sluice.consumer", Value = spec.Name });
        task.Labels.Labels_.Add(new Label { Key = "sluice.version", Value = version.Id });
        return task;
    }

    public TaskData Data(ConsumerSpec spec, ConsumerVersion version, long revision)
    {
        var handler = HandlerEnvironment.Read(version);
        var data = new TaskData
        {
            ControlPlaneAddress = controlPlaneAddress,
            Consumer = spec.Name,
            Version = version.Id,
            SpecRevision = revision,
            AuthSecret = controlPlane.Secret,
            Kafka = new KafkaSettings { BootstrapServers = kafkaBootstrap, GroupId = spec.GroupId },
            Handler = new HandlerSpec { Type = handler.Type ?? "", Assembly = handler.Assembly ?? "" },
            Worker = Worker(version.Worker),
            LeaseTimeoutMs = (long)controlPlane.LeaseTimeout.TotalMilliseconds,
            ProgressIntervalMs = (long)controlPlane.ProgressInterval.TotalMilliseconds,
        };
        data.Kafka.Topics.AddRange(spec.Topics);
        foreach (var (key, value) in kafkaConsumerConfig)
        {
            data.Kafka.ConsumerConfig[key] = value;
        }
        foreach (var (key, value) in handler.Settings)
        {
            data.Handler.Settings[key] = value;
        }
        return data;
    }

    private static ProtoWorkerSettings Worker(State.Model.WorkerSettings worker) => new()
    {
        MaxInFlight = worker.Workers,
        FailurePolicy = worker.FailurePolicy switch
        {
            ModelFailurePolicy.CommitOffsetAndContinue => ProtoFailurePolicy.CommitOffsetAndContinue,
            ModelFailurePolicy.DeadLetterAndContinue => ProtoFailurePolicy.DeadLetterAndContinue,
            ModelFailurePolicy.Retry => ProtoFailurePolicy.Retry,
            _ => ProtoFailurePolicy.DoNotCommitOffsetAndStop,
        },
        DeadLetterTopic = worker.DeadLetterTopic ?? "",
        // Frequent commits bound what a task that dies without releasing leaves to be processed again.
        CommitIntervalMs = (long)CommitInterval.TotalMilliseconds,
    };

    /// <summary>How often executors commit processed offsets.</summary>
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Takes <paramref name="amount"/> of a scalar from the offer's remaining resources, as clones of
    /// those resources (role, reservation and allocation info kept), possibly from several of them.
    /// </summary>
    internal static List<Resource> Take(List<Resource> remaining, string name, double amount)
    {
        var taken = new List<Resource>();
        var left = amount;
        foreach (var resource in remaining.Where(r => r.Name == name && r.Type == Value.Types.Type.Scalar))
        {
            if (left <= 1e-9)
            {
                break;
            }
            var part = Math.Min(resource.Scalar.Value, left);
            if (part <= 1e-9)
            {
                continue;
            }
            var piece = resource.Clone();
            piece.Scalar = new Value.Types.Scalar { Value = Math.Round(part, 3) };
            resource.Scalar = new Value.Types.Scalar { Value = Math.Round(resource.Scalar.Value - part, 3) };
            taken.Add(piece);
            left -= part;
        }
        if (left > 1e-6)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The offer lacks {left} {name}; placement should have refused it."));
        }
        return taken;
    }
}
