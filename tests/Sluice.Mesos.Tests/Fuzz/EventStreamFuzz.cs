using System.Text;
using Google.Protobuf;
using Sluice.Mesos.RecordIO;
using Sluice.Testing.Fuzz;

namespace Sluice.Mesos.Tests.Fuzz;

/// <summary>
/// Seeded bodies for a SUBSCRIBE answer that a master or agent should never send: random bytes,
/// frames of random or mutated event bytes, corrupted frame headers, lengths far over the
/// client's maximum, streams cut inside a frame. Half of them start with a valid SUBSCRIBED, so
/// the client's subscribed paths (calls enabled, heartbeat timeout set) meet the bad bytes too.
/// </summary>
internal sealed class EventStreamFuzz(Random random, IMessage subscribed, IReadOnlyList<IMessage> seeds)
{
    /// <summary>Environment variable that sets <see cref="Inputs"/> (issue 11's long runs use 10,000 or more).</summary>
    public const string InputsVariable = "SLUICE_MESOS_FUZZ_INPUTS";

    private static readonly string[] BadHeaders =
    [
        "-1\n", " 5\nhello", "5\r\nhello", "0x10\n", "\n", "5 \nhello", "+5\nhello", "1e3\n", "５\nhello",
        // Valid but absurd: more leading zeros than any length needs.
        new string('0', 40) + "5\nhello",
    ];

    private static readonly string[] OversizedHeaders =
    [
        "2147483648\n", "4294967296\n", "18446744073709551615\n", "18446744073709551616\n",
        new string('9', 40) + "\n", $"{RecordIOReader.DefaultMaxRecordLength + 1}\n",
    ];

    private readonly ByteMutator _mutator = new(random);
    private readonly byte[] _subscribed = subscribed.ToByteArray();
    private readonly byte[][] _seeds = [.. seeds.Select(s => s.ToByteArray())];

    /// <summary>2,000 by default (a few seconds); <see cref="InputsVariable"/> raises it.</summary>
    public static int Inputs =>
        int.TryParse(Environment.GetEnvironmentVariable(InputsVariable), out var n) && n > 0 ? n : 2000;

    /// <summary>The next body and a short name of its kind (for the test's report).</summary>
    public (string Kind, byte[] Body) Next()
    {
        var prefix = random.Next(2) == 0 ? RecordIOWriter.Encode(_subscribed) : [];
        var (kind, body) = random.Next(10) switch
        {
            0 => ("random bytes", _mutator.RandomBytes(256)),
            1 => ("random event bytes", RecordIOWriter.Encode(_mutator.RandomBytes(256))),
            2 => ("corrupted frames", _mutator.Mutate(Frames(1 + random.Next(3)))),
            3 => ("length over the maximum", Concat(Encoding.UTF8.GetBytes(OversizedHeaders[random.Next(OversizedHeaders.Length)]), _mutator.RandomBytes(64))),
            4 => ("cut inside a frame", Truncated()),
            5 => ("bad length", Encoding.UTF8.GetBytes(BadHeaders[random.Next(BadHeaders.Length)])),
            6 => ("empty record", Concat(Encoding.ASCII.GetBytes("0\n"), Frames(random.Next(2)))),
            _ => ("mutated events", MutatedEvents()),
        };
        return (kind, Concat(prefix, body));
    }

    private byte[] Seed() => _seeds[random.Next(_seeds.Length)];

    private byte[] Frames(int count) => Concat([.. Enumerable.Range(0, count).Select(_ => RecordIOWriter.Encode(Seed()))]);

    private byte[] MutatedEvents() =>
        Concat([.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => RecordIOWriter.Encode(random.Next(4) == 0 ? Seed() : _mutator.Mutate(Seed())))]);

    private byte[] Truncated()
    {
        var frames = Frames(1 + random.Next(3));
        return frames[..random.Next(1, frames.Length)];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
