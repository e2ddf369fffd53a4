using Google.Protobuf;
using Sluice.Consumer;
using Sluice.Consumer.Failures;
using Sluice.Executor.Tasks;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.Tests.Tasks;

public sealed class TaskDataMappingTests
{
    private static TaskData Valid() => new()
    {
        ControlPlaneAddress = "127.0.0.1:8081",
        Consumer = "orders",
        Version = "v1",
        Kafka = new KafkaSettings { BootstrapServers = "127.0.0.1:9092", GroupId = "orders" },
        Handler = new HandlerSpec { Type = "sluice:noop" },
    };

    [Fact]
    public void Parse_ValidTaskData_RoundTrips()
    {
        var parsed = TaskDataMapping.Parse(Valid().ToByteString());

        Assert.Equal(Valid(), parsed);
    }

    [Fact]
    public void Parse_EmptyData_SaysTheSchedulerMustSendIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => TaskDataMapping.Parse(ByteString.Empty));

        Assert.Contains("TaskInfo.data is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Garbage_IsNotATaskData()
    {
        var error = Assert.Throws<InvalidDataException>(() => TaskDataMapping.Parse(ByteString.CopyFrom(0xFF, 0xFF, 0xFF, 0x01)));

        Assert.Contains("not a TaskData message", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bootstrap", "TaskData.kafka.bootstrap_servers is empty")]
    [InlineData("group", "TaskData.kafka.group_id is empty")]
    [InlineData("control-plane", "TaskData.control_plane_address is empty")]
    public void Parse_MissingRequiredField_NamesIt(string missing, string expected)
    {
        var data = Valid();
        switch (missing)
        {
            case "bootstrap": data.Kafka.BootstrapServers = ""; break;
            case "group": data.Kafka.GroupId = ""; break;
            default: data.ControlPlaneAddress = ""; break;
        }

        var error = Assert.Throws<InvalidDataException>(() => TaskDataMapping.Parse(data.ToByteString()));

        Assert.Equal(expected + ".", error.Message);
    }

    [Fact]
    public void Options_MapWorkerSettings_AndKeepDefaultsForUnset()
    {
        var options = TaskDataMapping.Options("task-1", new WorkerSettings
        {
            MaxInFlight = 64,
            MaxAttempts = 4,
            RetryBackoffMs = 50,
            CommitIntervalMs = 250,
            DeadLetterTopic = "orders-failed",
        });

        Assert.Equal(64, options.Workers);
        Assert.Equal(3, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.RetryDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CommitInterval);
        Assert.Equal("orders-failed", options.DeadLetterTopic);
        Assert.Equal(SluiceConsumerOptions.DEFAULT_MAX_BUFFERED_BYTES, options.MaxBufferedBytes);
    }

    [Theory]
    [InlineData(FailurePolicy.CommitOffsetAndContinue, FailedDecision.CommitOffsetAndContinue)]
    [InlineData(FailurePolicy.DeadLetterAndContinue, FailedDecision.DeadLetterAndContinue)]
    [InlineData(FailurePolicy.Retry, FailedDecision.Retry)]
    [InlineData(FailurePolicy.DoNotCommitOffsetAndStop, FailedDecision.DoNotCommitOffsetAndStop)]
    [InlineData(FailurePolicy.Unspecified, FailedDecision.DoNotCommitOffsetAndStop)]
    public void Decision_FollowsTheSpecsPolicy(FailurePolicy policy, FailedDecision expected) =>
        Assert.Equal(expected, TaskDataMapping.Decision(policy));
}
