using Google.Protobuf;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Mesos.Tests.ControlPlane;

public sealed class ControlPlaneProtoTests
{
    [Fact]
    public void Connect_IsOneBidirectionalStream()
    {
        var method = Assert.Single(ControlPlaneReflection.Descriptor.Services.Single().Methods);

        Assert.Equal("Connect", method.Name);
        Assert.True(method.IsClientStreaming);
        Assert.True(method.IsServerStreaming);
        Assert.Equal(ExecutorMessage.Descriptor, method.InputType);
        Assert.Equal(SchedulerMessage.Descriptor, method.OutputType);
        Assert.Equal("sluice.v1.ControlPlane", Sluice.Proto.ControlPlane.V1.ControlPlane.Descriptor.FullName);
    }

    [Fact]
    public void Messages_RoundTrip_WithTheirOneofCase()
    {
        var hello = new ExecutorMessage
        {
            Hello = new Hello
            {
                TaskId = "orders.blue.3",
                Consumer = "orders",
                Version = "blue",
                ExecutorId = "exec-1",
                AuthSecret = "s",
                Held = { new HeldPartition { Topic = "orders", Partition = 3, Epoch = 12, State = PartitionState.Owned } },
            },
        };
        var release = new SchedulerMessage { Release = new Release { Topic = "orders", Partition = 3, Epoch = 12, TimeoutMs = 30_000 } };
        var data = new TaskData
        {
            ControlPlaneAddress = "10.0.0.5:31001",
            Consumer = "orders",
            Version = "blue",
            Kafka = new KafkaSettings { BootstrapServers = "k:9092", GroupId = "orders", Topics = { "orders" }, ConsumerConfig = { ["fetch.min.bytes"] = "1" } },
            Handler = new HandlerSpec { Assembly = "Orders.dll", Type = "Orders.Handler" },
            Worker = new WorkerSettings { MaxInFlight = 64, FailurePolicy = FailurePolicy.DeadLetterAndContinue },
            Assignments = { new InitialAssignment { Topic = "orders", Partition = 3, Epoch = 12, StartOffset = -1 } },
        };

        var helloBack = ExecutorMessage.Parser.ParseFrom(hello.ToByteArray());
        var releaseBack = SchedulerMessage.Parser.ParseFrom(release.ToByteArray());
        var dataBack = TaskData.Parser.ParseFrom(data.ToByteArray());

        Assert.Equal(ExecutorMessage.BodyOneofCase.Hello, helloBack.BodyCase);
        Assert.Equal(hello, helloBack);
        Assert.Equal(SchedulerMessage.BodyOneofCase.Release, releaseBack.BodyCase);
        Assert.Equal(data, dataBack);
    }
}
