using System.Globalization;

namespace Sluice.Executor.Handlers;

/// <summary>
/// One line of the recording handler's output: which record was processed, by which task and
/// version, and when. Tests read these to check exactly-once processing and per-partition gaps.
/// </summary>
/// <remarks>Format: tab-separated <c>topic partition offset key(base64 or -) version task unix-ms</c>.</remarks>
public readonly record struct ProcessedRecord(
    string Topic, int Partition, long Offset, string? KeyBase64, string Version, string TaskId, long ProcessedAtUnixMs)
{
    public const string FileExtension = ".processed";

    public string Format() => string.Join('\t',
        Topic,
        Partition.ToString(CultureInfo.InvariantCulture),
        Offset.ToString(CultureInfo.InvariantCulture),
        KeyBase64 ?? "-",
        Version,
        TaskId,
        ProcessedAtUnixMs.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses one line; a torn last line (a process killed mid-write) returns false.</summary>
    public static bool TryParse(string line, out ProcessedRecord record)
    {
        record = default;
        var parts = line.Split('\t');
        if (parts.Length != 7
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(parts[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at))
        {
            return false;
        }
        record = new ProcessedRecord(parts[0], partition, offset, parts[3] == "-" ? null : parts[3], parts[4], parts[5], at);
        return true;
    }

    /// <summary>Every record in every <c>*.processed</c> file of <paramref name="directory"/>.</summary>
    public static IReadOnlyList<ProcessedRecord> ReadAll(string directory)
    {
        var records = new List<ProcessedRecord>();
        if (!Directory.Exists(directory))
        {
            return records;
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*" + FileExtension))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (TryParse(line, out var record))
                {
                    records.Add(record);
                }
            }
        }
        return records;
    }
}
