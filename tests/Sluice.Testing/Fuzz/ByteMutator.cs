namespace Sluice.Testing.Fuzz;

/// <summary>
/// Seeded byte-level mutations for fuzzing decoders: random bytes, and valid messages with bits
/// flipped, ranges cut, inserted or repeated, and protobuf hazards spliced in (varints that never
/// end, lengths that announce gigabytes, invalid UTF-8, deep nesting, unknown wire types).
/// </summary>
/// <remarks>Deterministic for a given <see cref="Random"/> seed, so a failing input can be replayed by its index.</remarks>
public sealed class ByteMutator(Random random)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x30, 0x39, 0x08, 0x12, 0x1A];

    private static readonly byte[][] Hazards =
    [
        // A varint of eleven continuation bytes: longer than any 64-bit value.
        [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        // Field 2, length-delimited, announcing 2 GiB - 1 with a few bytes behind it.
        [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x01, 0x02],
        // Field 2, length-delimited, announcing a negative length (int32 -1 as a varint).
        [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        // Field 1, wire types 6 and 7: not protobuf.
        [0x0E, 0x00], [0x0F, 0x00],
        // A start-group without its end.
        [0x0B, 0x08, 0x01],
        // Field number 0.
        [0x00, 0x01],
        // Invalid UTF-8 inside a length-delimited field (a string in most messages).
        [0x0A, 0x04, 0xC3, 0x28, 0xFF, 0xFE],
        // Field number 2^29 - 1, the largest allowed.
        [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01],
    ];

    /// <summary><paramref name="maxLength"/> or fewer random bytes (possibly none).</summary>
    public byte[] RandomBytes(int maxLength)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Messages nested <paramref name="depth"/> deep in field 2 (beyond protobuf's recursion limit of 100 when deep enough).</summary>
    public static byte[] DeepNesting(int depth)
    {
        byte[] inner = [];
        for (var i = 0; i < depth; i++)
        {
            var length = Varint((ulong)inner.Length);
            inner = [0x12, .. length, .. inner];
        }
        return inner;
    }

    /// <summary>One to four mutations of <paramref name="seed"/>.</summary>
    public byte[] Mutate(ReadOnlySpan<byte> seed)
    {
        var bytes = new List<byte>(seed.ToArray());
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(bytes);
        }
        return [.. bytes];
    }

    private void MutateOnce(List<byte> bytes)
    {
        switch (random.Next(bytes.Count == 0 ? 2 : 9))
        {
            case 0:
                bytes.InsertRange(random.Next(bytes.Count + 1), RandomBytes(16));
                break;
            case 1:
                bytes.InsertRange(random.Next(bytes.Count + 1), Hazards[random.Next(Hazards.Length)]);
                break;
            case 2:
                var bit = random.Next(bytes.Count * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 3:
                bytes[random.Next(bytes.Count)] = Interesting[random.Next(Interesting.Length)];
                break;
            case 4:
                var start = random.Next(bytes.Count);
                bytes.RemoveRange(start, 1 + random.Next(Math.Min(16, bytes.Count - start)));
                break;
            case 5:
                var keep = random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            case 6:
                var from = random.Next(bytes.Count);
                var slice = bytes.GetRange(from, 1 + random.Next(Math.Min(32, bytes.Count - from)));
                bytes.InsertRange(random.Next(bytes.Count + 1), slice);
                break;
            case 7:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            default:
                bytes.InsertRange(random.Next(bytes.Count + 1), DeepNesting(80 + random.Next(80)));
                break;
        }
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
