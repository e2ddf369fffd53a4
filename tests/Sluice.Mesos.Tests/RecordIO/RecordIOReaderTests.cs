using System.Text;
using Sluice.Mesos.RecordIO;
using Sluice.Mesos.Tests.Support;

namespace Sluice.Mesos.Tests.RecordIO;

public sealed class RecordIOReaderTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static async Task<List<string>> ReadAllAsync(RecordIOReader reader)
    {
        var records = new List<string>();
        await foreach (var record in reader.ReadAllAsync(Bounded.Deadline()))
        {
            records.Add(Encoding.ASCII.GetString(record.Span));
        }

        return records;
    }

    [Fact]
    public async Task ReadAsync_RecordsArriveOneByteAtATime_ReturnsEachRecordWhole()
    {
        var stream = new ChunkedStream(Ascii("20\n{\"type\":\"HEARTBEAT\"}3\nabc0\n"), [1]);
        await using var reader = new RecordIOReader(stream);

        var records = await Bounded.WithinAsync(ReadAllAsync(reader), "all records");

        Assert.Equal(["{\"type\":\"HEARTBEAT\"}", "abc", ""], records);
        Assert.True(stream.ReadCalls >= 28, "the stream must really have been read byte by byte");
    }

    [Fact]
    public async Task ReadAsync_ManyRecordsInOneRead_ReturnsThemInOrder()
    {
        var builder = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            string body = $"record-{i}";
            builder.Append(body.Length).Append('\n').Append(body);
        }

        var stream = new ChunkedStream(Ascii(builder.ToString()), [int.MaxValue]);
        await using var reader = new RecordIOReader(stream);

        var records = await Bounded.WithinAsync(ReadAllAsync(reader), "all records");

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"record-{i}"), records);
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ReturnsNull()
    {
        await using var reader = new RecordIOReader(new MemoryStream());

        Assert.Null(await reader.ReadRecordAsync(Bounded.Deadline()));
        Assert.Null(await reader.ReadRecordAsync(Bounded.Deadline()));
    }

    [Fact]
    public async Task ReadAsync_NonDigitInLength_ThrowsNamingByteRecordAndOffset()
    {
        await using var reader = new RecordIOReader(new ChunkedStream(Ascii("3\nabc1x\nb"), [1]));
        Assert.NotNull(await reader.ReadRecordAsync(Bounded.Deadline()));

        var error = await Assert.ThrowsAsync<RecordIOException>(() => reader.ReadRecordAsync(Bounded.Deadline()).AsTask());

        Assert.Equal(1, error.RecordIndex);
        Assert.Equal(6, error.StreamOffset);
        Assert.Contains("0x78 ('x')", error.Message);
        Assert.Contains("record 1", error.Message);
        Assert.Contains("stream offset 6", error.Message);
    }

    [Fact]
    public async Task ReadAsync_GarbageInsteadOfRecordIO_ThrowsAtFirstByte()
    {
        await using var reader = new RecordIOReader(new MemoryStream(Ascii("<html>Service Unavailable</html>")));

        var error = await Assert.ThrowsAsync<RecordIOException>(() => reader.ReadRecordAsync(Bounded.Deadline()).AsTask());

        Assert.Equal(0, error.StreamOffset);
        Assert.Contains("'<'", error.Message);
    }

    [Fact]
    public async Task ReadAsync_EmptyLength_Throws()
    {
        await using var reader = new RecordIOReader(new MemoryStream(Ascii("\nabc")));

        var error = await Assert.ThrowsAsync<RecordIOException>(() => reader.ReadRecordAsync(Bounded.Deadline()).AsTask());

        Assert.Contains("empty length", error.Message);
    }

    [Fact]
    public async Task ReadAsync_LengthOverMaximum_ThrowsWithoutWaitingForTheBody()
    {
        // The stream never ends: a reader that waited for the body (or the newline) would hang.
        var stream = new ChunkedStream(Ascii("1025\n"), [int.MaxValue], hangAtEnd: true);
        await using var reader = new RecordIOReader(stream, maxRecordLength: 1024);

        var error = await Assert.ThrowsAsync<RecordIOException>(
            () => Bounded.WithinAsync(reader.ReadRecordAsync(CancellationToken.None), "the length check"));

        Assert.Contains("maximum of 1024 bytes", error.Message);
    }

    [Fact]
    public async Task ReadAsync_EndlessDigits_ThrowsOnceTheyExceedTheMaximum()
    {
        var digits = new string('9', 5000);
        var stream = new ChunkedStream(Ascii(digits), [1], hangAtEnd: true);
        await using var reader = new RecordIOReader(stream);

        var error = await Assert.ThrowsAsync<RecordIOException>(
            () => Bounded.WithinAsync(reader.ReadRecordAsync(CancellationToken.None), "the length check"));

        Assert.Contains($"maximum of {RecordIOReader.DefaultMaxRecordLength} bytes", error.Message);
        Assert.True(stream.ReadCalls <= 10, $"read {stream.ReadCalls} bytes of digits before giving up");
    }

    // Found by the Mesos fuzz review: zeros never raise the length, so an endless run of them was
    // buffered without limit while the reader waited for the newline.
    [Fact]
    public async Task ReadAsync_EndlessLeadingZeros_ThrowsAfterTwentyDigitsWithoutBufferingThem()
    {
        var stream = new EndlessStream([], (byte)'0');
        await using var reader = new RecordIOReader(stream);

        var error = await Assert.ThrowsAsync<RecordIOException>(
            () => Bounded.WithinAsync(reader.ReadRecordAsync(CancellationToken.None), "the length check"));

        Assert.Contains($"more than {RecordIOReader.MaxLengthDigits} digits", error.Message);
        Assert.True(stream.BytesRead <= 64 * 1024, $"read {stream.BytesRead} bytes of zeros before giving up");
    }

    [Theory]
    [InlineData("2147483648\n")]
    [InlineData("18446744073709551616\n")]
    [InlineData("99999999999999999999999999999999999999\n")]
    public async Task ReadAsync_HeaderAnnouncingGigabytesFollowedByEndlessBytes_ThrowsBeforeReadingTheBody(string header)
    {
        var stream = new EndlessStream(Ascii(header), (byte)'x');
        await using var reader = new RecordIOReader(stream);

        var error = await Assert.ThrowsAsync<RecordIOException>(
            () => Bounded.WithinAsync(reader.ReadRecordAsync(CancellationToken.None), "the length check"));

        Assert.Contains($"maximum of {RecordIOReader.DefaultMaxRecordLength} bytes", error.Message);
        Assert.True(stream.BytesRead <= 64 * 1024, $"read {stream.BytesRead} bytes of the body before giving up");
    }

    [Fact]
    public async Task ReadAsync_LengthEqualToMaximum_IsAccepted()
    {
        var body = new string('a', 1024);
        await using var reader = new RecordIOReader(new MemoryStream(Ascii($"1024\n{body}")), maxRecordLength: 1024);

        var record = await reader.ReadRecordAsync(Bounded.Deadline());

        Assert.Equal(body, Encoding.ASCII.GetString(record!.Value.Span));
    }

    [Fact]
    public async Task ReadAsync_StreamEndsInsideBody_ThrowsSayingHowMuchArrived()
    {
        await using var reader = new RecordIOReader(new ChunkedStream(Ascii("3\nabc10\nabcd"), [2]));
        Assert.NotNull(await reader.ReadRecordAsync(Bounded.Deadline()));

        var error = await Assert.ThrowsAsync<RecordIOException>(() => reader.ReadRecordAsync(Bounded.Deadline()).AsTask());

        Assert.Equal(1, error.RecordIndex);
        Assert.Contains("ended inside record 1", error.Message);
        Assert.Contains("10 bytes, only 4 arrived", error.Message);
        Assert.Equal(12, error.StreamOffset);
    }

    [Fact]
    public async Task ReadAsync_StreamEndsInsideLength_Throws()
    {
        await using var reader = new RecordIOReader(new MemoryStream(Ascii("12")));

        var error = await Assert.ThrowsAsync<RecordIOException>(() => reader.ReadRecordAsync(Bounded.Deadline()).AsTask());

        Assert.Contains("ended inside the length of record 0", error.Message);
    }

    [Fact]
    public async Task ReadAsync_ParserThrows_RecordIsSkippedAndTheNextOneReads()
    {
        await using var reader = new RecordIOReader(new MemoryStream(Ascii("3\nbad4\ngood")));

        await Assert.ThrowsAsync<FormatException>(
            () => reader.ReadAsync<string>(_ => throw new FormatException("garbage"), Bounded.Deadline()).AsTask());
        var next = await reader.ReadAsync(body => Encoding.ASCII.GetString(body), Bounded.Deadline());

        Assert.Equal("good", next);
    }

    [Fact]
    public async Task ReadAsync_SilentStream_IsCancellable()
    {
        await using var reader = new RecordIOReader(new ChunkedStream(Ascii("5\nab"), [1], hangAtEnd: true));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Bounded.WithinAsync(reader.ReadRecordAsync(cts.Token), "cancellation"));
    }

    [Fact]
    public void Constructor_NonPositiveMaximum_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RecordIOReader(new MemoryStream(), maxRecordLength: 0));

        Assert.Equal("maxRecordLength", error.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ReadAsync_RandomRecordsAndRandomChunking_ReadsBackExactlyWhatWasWritten(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 40; round++)
        {
            var records = Enumerable.Range(0, random.Next(0, 30))
                .Select(_ =>
                {
                    // Mostly small, sometimes larger than a pipe segment.
                    var body = new byte[random.Next(0, 10) == 0 ? random.Next(4000, 70_000) : random.Next(0, 50)];
                    random.NextBytes(body);
                    return body;
                })
                .ToList();
            var wire = new MemoryStream();
            var writer = new RecordIOWriter(wire);
            foreach (var record in records)
            {
                await writer.WriteAsync(record, CancellationToken.None);
            }

            var chunks = Enumerable.Range(0, 8).Select(_ => random.Next(1, 9000)).ToList();
            await using var reader = new RecordIOReader(new ChunkedStream(wire.ToArray(), chunks), maxRecordLength: 70_000);
            var read = new List<byte[]>();
            await foreach (var record in reader.ReadAllAsync(Bounded.Deadline()))
            {
                read.Add(record.ToArray());
            }

            Assert.Equal(records.Count, read.Count);
            for (int i = 0; i < records.Count; i++)
            {
                Assert.True(records[i].AsSpan().SequenceEqual(read[i]), $"seed {seed} round {round}: record {i} differs");
            }
        }
    }
}
