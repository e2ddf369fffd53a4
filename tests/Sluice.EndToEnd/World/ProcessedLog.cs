using System.Text;
using Sluice.Executor.Handlers;

namespace Sluice.EndToEnd.World;

/// <summary>
/// The recording handler's output files, followed: each read parses only what was appended since the last
/// one, so tests can poll it every few milliseconds while tens of thousands of records pile up. A line still
/// being written (no newline yet) waits for the next read.
/// </summary>
internal sealed class ProcessedLog(string directory)
{
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private readonly List<ProcessedRecord> _records = [];
    private readonly Lock _gate = new();

    /// <summary>Every complete record written so far.</summary>
    public IReadOnlyList<ProcessedRecord> Read()
    {
        lock (_gate)
        {
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*" + ProcessedRecord.FileExtension))
                {
                    Follow(file);
                }
            }
            return _records.ToArray();
        }
    }

    private void Follow(string file)
    {
        var position = _positions.GetValueOrDefault(file);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= position)
        {
            return;
        }
        stream.Position = position;
        var bytes = new byte[stream.Length - position];
        stream.ReadExactly(bytes);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ProcessedRecord.TryParse(line, out var record))
            {
                _records.Add(record);
            }
        }
        _positions[file] = position + complete;
    }
}
