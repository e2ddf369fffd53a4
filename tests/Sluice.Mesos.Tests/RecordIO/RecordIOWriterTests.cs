using System.Text;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Tests.RecordIO;

public sealed class RecordIOWriterTests
{
    [Fact]
    public void Encode_JsonHeartbeat_IsDecimalLengthNewlineBodyWithoutTrailingNewline()
    {
        var frame = RecordIOWriter.Encode(Encoding.ASCII.GetBytes("{\"type\":\"HEARTBEAT\"}"));

        Assert.Equal("20\n{\"type\":\"HEARTBEAT\"}", Encoding.ASCII.GetString(frame));
    }

    [Fact]
    public async Task WriteAsync_ProtobufMessages_AreFramedBackToBack()
    {
        var heartbeat = new Event { Type = Event.Types.Type.Heartbeat };
        var error = new Event { Type = Event.Types.Type.Error, Error = new Event.Types.Error { Message = "bye" } };
        var wire = new MemoryStream();
        var writer = new RecordIOWriter(wire);

        await writer.WriteAsync(heartbeat, CancellationToken.None);
        await writer.WriteAsync(error, CancellationToken.None);

        var expected = RecordIOWriter.Encode(heartbeat).Concat(RecordIOWriter.Encode(error)).ToArray();
        Assert.Equal(expected, wire.ToArray());
        Assert.Equal((byte)'2', wire.ToArray()[0]);
        Assert.Equal((byte)'\n', wire.ToArray()[1]);
    }

    [Fact]
    public void Encode_EmptyRecord_IsZeroNewline()
    {
        Assert.Equal("0\n", Encoding.ASCII.GetString(RecordIOWriter.Encode(ReadOnlySpan<byte>.Empty)));
    }
}
