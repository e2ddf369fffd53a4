using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Attribute = Sluice.Proto.Mesos.V1.Attribute;
using Environment = Sluice.Proto.Mesos.V1.Environment;

// Deprecated fields (Resource.role, ExecutorInfo.source) are covered on purpose: Mesos still sends them.
#pragma warning disable CS0612

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// Richly filled Mesos messages: every field our protos model is set somewhere, with values that
/// catch encoding slips (non-ASCII and escaped strings, non-UTF-8 bytes, inexact doubles,
/// uint64 extremes, negative ints, enums that are not the default).
/// </summary>
internal static class MesosSamples
{
    public const string Awkward = "sluice \"blue\"\\green ✓\n\t";

    public static readonly ByteString Uuid = ByteString.CopyFrom(0x00, 0xFF, 0x10, 0x80, 0x7F, 0x0A, 0x22, 0x5C, 0xC3, 0x28, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06);

    public static FrameworkID FrameworkId => new() { Value = "5e4c1f2a-0000-4c2b-9a1e-2f3b1d0c9e8f-0001" };

    public static AgentID AgentId => new() { Value = "agent-7 ✓" };

    public static TaskID TaskId => new() { Value = "orders.blue.3" };

    public static ExecutorID ExecutorId => new() { Value = "sluice-executor.orders.blue.3" };

    public static Labels Labels(params (string Key, string? Value)[] labels)
    {
        var result = new Labels();
        foreach (var (key, value) in labels)
        {
            var label = new Label { Key = key };
            if (value is not null)
            {
                label.Value = value;
            }

            result.Labels_.Add(label);
        }

        return result;
    }

    public static FrameworkInfo Framework(bool withId)
    {
        var info = new FrameworkInfo
        {
            User = "",
            Name = "sluice",
            FailoverTimeout = 604800.5,
            Checkpoint = true,
            Hostname = "scheduler-1.example",
            Principal = "sluice-principal",
            WebuiUrl = "http://scheduler-1.example:8080/",
            Labels = Labels(("team", "streams"), ("awkward", Awkward), ("flag", null)),
        };
        info.Roles.Add("kafka");
        info.Roles.Add("kafka/blue");
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.MultiRole });
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.PartitionAware });
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.TaskKillingState });
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.RegionAware });
        if (withId)
        {
            info.Id = FrameworkId;
        }

        return info;
    }

    public static Resource Scalar(string name, double value, string role = "kafka")
    {
        return new Resource
        {
            Name = name,
            Type = Value.Types.Type.Scalar,
            Scalar = new Value.Types.Scalar { Value = value },
            AllocationInfo = new Resource.Types.AllocationInfo { Role = role },
        };
    }

    public static Resource Ports(params (ulong Begin, ulong End)[] ranges)
    {
        var resource = new Resource
        {
            Name = "ports",
            Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges(),
            AllocationInfo = new Resource.Types.AllocationInfo { Role = "kafka" },
        };
        foreach (var (begin, end) in ranges)
        {
            resource.Ranges.Range.Add(new Value.Types.Range { Begin = begin, End = end });
        }

        return resource;
    }

    public static IEnumerable<Resource> Resources()
    {
        yield return Scalar("cpus", 0.1);
        yield return Scalar("mem", 1536.75);
        yield return Ports((31000, 31001), (32000, ulong.MaxValue));
        var disks = new Resource
        {
            Name = "disks",
            Type = Value.Types.Type.Set,
            Set = new Value.Types.Set(),
            Role = "kafka",
            Revocable = new Resource.Types.RevocableInfo(),
            Shared = new Resource.Types.SharedInfo(),
            ProviderId = new ResourceProviderID { Value = "rp-1" },
            Reservation = new Resource.Types.ReservationInfo { Principal = "ops", Role = "kafka", Type = Resource.Types.ReservationInfo.Types.Type.Dynamic },
        };
        disks.Set.Item.Add("ssd0");
        disks.Set.Item.Add(Awkward);
        disks.Reservations.Add(new Resource.Types.ReservationInfo
        {
            Type = Resource.Types.ReservationInfo.Types.Type.Static,
            Role = "kafka",
            Principal = "ops",
            Labels = Labels(("reserved-by", "sluice")),
        });
        yield return disks;
    }

    public static IEnumerable<Attribute> Attributes()
    {
        yield return new Attribute { Name = "rack", Type = Value.Types.Type.Text, Text = new Value.Types.Text { Value = "r1" } };
        yield return new Attribute { Name = "weight", Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = -2.5e-7 } };
        yield return new Attribute
        {
            Name = "slots",
            Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges { Range = { new Value.Types.Range { Begin = 0, End = 7 } } },
        };
        yield return new Attribute
        {
            Name = "zones",
            Type = Value.Types.Type.Set,
            Set = new Value.Types.Set { Item = { "a", "b" } },
        };
    }

    public static DomainInfo Domain => new()
    {
        FaultDomain = new DomainInfo.Types.FaultDomain
        {
            Region = new DomainInfo.Types.FaultDomain.Types.RegionInfo { Name = "eu-west" },
            Zone = new DomainInfo.Types.FaultDomain.Types.ZoneInfo { Name = "eu-west-1b" },
        },
    };

    public static CommandInfo ExecutorCommand()
    {
        var command = new CommandInfo
        {
            Shell = false,
            Value = "./sluice-executor/Sluice.Executor",
            User = "sluice",
            Environment = new Environment(),
        };
        command.Arguments.Add("Sluice.Executor");
        command.Arguments.Add("--verbose");
        command.Uris.Add(new CommandInfo.Types.URI
        {
            Value = "http://scheduler-1.example:8080/executor/sluice-executor.tgz",
            Extract = true,
            Executable = false,
            Cache = true,
            OutputFile = "sluice-executor.tgz",
        });
        command.Uris.Add(new CommandInfo.Types.URI { Value = "http://scheduler-1.example:8080/handlers/orders-1.2.0.zip", Extract = false });
        command.Environment.Variables.Add(new Environment.Types.Variable { Name = "DOTNET_gcServer", Value = "0", Type = Environment.Types.Variable.Types.Type.Value });
        command.Environment.Variables.Add(new Environment.Types.Variable
        {
            Name = "KAFKA_PASSWORD",
            Type = Environment.Types.Variable.Types.Type.Secret,
            Secret = new Secret
            {
                Type = Secret.Types.Type.Reference,
                Reference = new Secret.Types.Reference { Name = "/sluice/kafka", Key = "password" },
            },
        });
        command.Environment.Variables.Add(new Environment.Types.Variable
        {
            Name = "INLINE_SECRET",
            Type = Environment.Types.Variable.Types.Type.Secret,
            Secret = new Secret { Type = Secret.Types.Type.Value, Value = new Secret.Types.Value { Data = Uuid } },
        });
        return command;
    }

    public static ContainerInfo DockerContainer()
    {
        var docker = new ContainerInfo.Types.DockerInfo
        {
            Image = "sluice/executor:1.2.0",
            Network = ContainerInfo.Types.DockerInfo.Types.Network.Bridge,
            Privileged = false,
            ForcePullImage = true,
        };
        docker.PortMappings.Add(new ContainerInfo.Types.DockerInfo.Types.PortMapping { HostPort = 31000, ContainerPort = 8080, Protocol = "tcp" });
        docker.Parameters.Add(new Parameter { Key = "ulimit", Value = "nofile=65536" });
        var network = new NetworkInfo { Name = "overlay", Labels = Labels(("net", "blue")) };
        network.IpAddresses.Add(new NetworkInfo.Types.IPAddress { Protocol = NetworkInfo.Types.Protocol.Ipv6, IpAddress = "fd00::7" });
        network.Groups.Add("consumers");
        network.PortMappings.Add(new NetworkInfo.Types.PortMapping { HostPort = 31001, ContainerPort = 9090 });
        return new ContainerInfo
        {
            Type = ContainerInfo.Types.Type.Docker,
            Hostname = "orders-blue-3",
            Docker = docker,
            NetworkInfos = { network },
        };
    }

    public static ContainerInfo MesosContainer() => new()
    {
        Type = ContainerInfo.Types.Type.Mesos,
        Mesos = new ContainerInfo.Types.MesosInfo
        {
            Image = new Image
            {
                Type = Image.Types.Type.Docker,
                Cached = false,
                Docker = new Image.Types.Docker
                {
                    Name = "sluice/executor:1.2.0",
                    Config = new Secret { Type = Secret.Types.Type.Reference, Reference = new Secret.Types.Reference { Name = "/registry" } },
                },
                Appc = new Image.Types.Appc { Name = "sluice", Id = "sha512-abc", Labels = Labels(("os", "linux")) },
            },
        },
    };

    public static ExecutorInfo CustomExecutor(ContainerInfo container)
    {
        var executor = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = ExecutorId,
            FrameworkId = FrameworkId,
            Command = ExecutorCommand(),
            Container = container,
            Name = "Sluice executor for orders (blue)",
            Source = "orders",
            Data = ByteString.CopyFromUtf8("{\"lease\":30}"),
            ShutdownGracePeriod = new DurationInfo { Nanoseconds = 5_000_000_000 },
            Labels = Labels(("consumer", "orders")),
            Discovery = Discovery(),
        };
        executor.Resources.Add(Scalar("cpus", 0.05));
        executor.Resources.Add(Scalar("mem", 64));
        return executor;
    }

    public static DiscoveryInfo Discovery()
    {
        var ports = new Ports();
        ports.Ports_.Add(new Port { Number = 31000, Name = "control", Protocol = "tcp", Visibility = DiscoveryInfo.Types.Visibility.Cluster, Labels = Labels(("h2", "true")) });
        return new DiscoveryInfo
        {
            Visibility = DiscoveryInfo.Types.Visibility.External,
            Name = "orders",
            Environment = "prod",
            Location = "eu",
            Version = "1.2.0",
            Ports = ports,
            Labels = Labels(("svc", "orders")),
        };
    }

    public static TaskInfo Task(string id, ContainerInfo container)
    {
        var task = new TaskInfo
        {
            Name = "orders blue #3",
            TaskId = new TaskID { Value = id },
            AgentId = AgentId,
            Executor = CustomExecutor(container),
            Data = ByteString.CopyFrom(0x0A, 0x00, 0xFF, 0x80, 0x22),
            Labels = Labels(("version", "blue")),
            KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = 30_000_000_000 } },
            HealthCheck = new HealthCheck
            {
                Type = HealthCheck.Types.Type.Http,
                DelaySeconds = 1.25,
                IntervalSeconds = 5,
                TimeoutSeconds = 2,
                ConsecutiveFailures = 7,
                GracePeriodSeconds = 60,
                Http = new HealthCheck.Types.HTTPCheckInfo { Scheme = "http", Port = 8080, Path = "/health", Statuses = { 200, 204 } },
                Tcp = new HealthCheck.Types.TCPCheckInfo { Port = 8081 },
                Command = new CommandInfo { Value = "curl -f localhost:8080/health", Shell = true },
            },
            Check = new CheckInfo
            {
                Type = CheckInfo.Types.Type.Tcp,
                Tcp = new CheckInfo.Types.Tcp { Port = 8081 },
                Http = new CheckInfo.Types.Http { Port = 8080, Path = "/ready" },
                Command = new CheckInfo.Types.Command { Command_ = new CommandInfo { Value = "true" } },
                DelaySeconds = 0,
                IntervalSeconds = 3,
                TimeoutSeconds = 1.5,
            },
            Discovery = Discovery(),
        };
        task.Resources.AddRange(Resources());
        return task;
    }

    /// <summary>The task as Mesos' command executor would run it (command instead of executor).</summary>
    public static TaskInfo CommandTask()
    {
        var task = new TaskInfo
        {
            Name = "probe",
            TaskId = new TaskID { Value = "probe-1" },
            AgentId = AgentId,
            Command = new CommandInfo { Value = "echo hi && sleep 1", Shell = true },
            Container = MesosContainer(),
        };
        task.Resources.Add(Scalar("cpus", 0.01));
        return task;
    }

    public static Offer Offer(string id)
    {
        var offer = new Offer
        {
            Id = new OfferID { Value = id },
            FrameworkId = FrameworkId,
            AgentId = AgentId,
            Hostname = "agent-7.example",
            Url = new URL
            {
                Scheme = "http",
                Address = new Address { Hostname = "agent-7.example", Ip = "10.0.0.7", Port = 5051 },
                Path = "/slave(1)",
                Fragment = "f",
                Query = { new Parameter { Key = "a", Value = "b" } },
            },
            Domain = Domain,
            Unavailability = new Unavailability
            {
                Start = new TimeInfo { Nanoseconds = 1_800_000_000_000_000_000 },
                Duration = new DurationInfo { Nanoseconds = 3_600_000_000_000 },
            },
            AllocationInfo = new Resource.Types.AllocationInfo { Role = "kafka" },
        };
        offer.Resources.AddRange(Resources());
        offer.Attributes.AddRange(Attributes());
        offer.ExecutorIds.Add(ExecutorId);
        return offer;
    }

    public static MasterInfo Master => new()
    {
        Id = "master-1",
        Ip = 0x0500000A,
        Port = 5050,
        Pid = "master@10.0.0.5:5050",
        Hostname = "master-1.example",
        Version = "1.11.0",
        Address = new Address { Hostname = "master-1.example", Ip = "10.0.0.5", Port = 5050 },
        Domain = Domain,
    };

    public static AgentInfo Agent()
    {
        var agent = new AgentInfo
        {
            Hostname = "agent-7.example",
            Port = 5052,
            Id = AgentId,
            Domain = Domain,
        };
        agent.Resources.AddRange(Resources());
        agent.Attributes.AddRange(Attributes());
        return agent;
    }

    /// <summary>A status as an executor sends it and the agent forwards it (uuid set).</summary>
    public static TaskStatus Status(TaskState state)
    {
        return new TaskStatus
        {
            TaskId = TaskId,
            State = state,
            Message = Awkward,
            Source = TaskStatus.Types.Source.Executor,
            Reason = TaskStatus.Types.Reason.ContainerLimitationMemory,
            Data = ByteString.CopyFrom(0xFF, 0x00),
            AgentId = AgentId,
            ExecutorId = ExecutorId,
            Timestamp = 1764337860.123456,
            Uuid = Uuid,
            Healthy = false,
            CheckStatus = new CheckStatusInfo
            {
                Type = CheckInfo.Types.Type.Command,
                Command = new CheckStatusInfo.Types.Command { ExitCode = -1 },
                Http = new CheckStatusInfo.Types.Http { StatusCode = 503 },
                Tcp = new CheckStatusInfo.Types.Tcp { Succeeded = true },
            },
            Labels = Labels(("epoch", "12")),
            ContainerStatus = new ContainerStatus
            {
                ContainerId = new ContainerID { Value = "child", Parent = new ContainerID { Value = "parent" } },
                ExecutorPid = 4242,
                NetworkInfos = { new NetworkInfo { IpAddresses = { new NetworkInfo.Types.IPAddress { IpAddress = "10.0.0.7" } } } },
            },
            UnreachableTime = new TimeInfo { Nanoseconds = -5 },
        };
    }

    /// <summary>A reconciliation answer from the master: no uuid, no agent-side fields.</summary>
    public static TaskStatus ReconciliationStatus() => new()
    {
        TaskId = TaskId,
        State = TaskState.TaskLost,
        Source = TaskStatus.Types.Source.Master,
        Reason = TaskStatus.Types.Reason.Reconciliation,
        Message = "Reconciliation: Task is unknown",
        Timestamp = 1764337860,
    };
}
