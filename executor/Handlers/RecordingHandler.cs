using System.Text;
using Sluice.Consumer;

namespace Sluice.Executor.Handlers;

/// <summary>
/// <c>sluice:record</c>: appends a <see cref="ProcessedRecord"/> line per processed message to
/// <c>{output}/{task id}.processed</c>, so tests can check every record was processed exactly once.
/// </summary>
/// <remarks>
/// Settings: <c>output</c> (directory, required); <c>sleepMs</c> (work per message, default 0);
/// <c>failAll</c> (every message fails: a broken version); <c>poisonPrefix</c> (messages whose value
/// starts with it fail: poison records). Each line reaches the operating system before the
/// handler returns, so it survives a kill -9 of the executor: a line written but not committed
/// shows up as a duplicate, which is what the tests count.
/// </remarks>
internal sealed class RecordingHandler : IMessageHandler, IDisposable
{
    private readonly HandlerContext _context;
    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private readonly TimeSpan _work;
    private readonly bool _failAll;
    private readonly byte[]? _poisonPrefix;

    public RecordingHandler(HandlerContext context)
    {
        _context = context;
        var output = context.Required("output");
        Directory.CreateDirectory(output);
        _work = TimeSpan.FromMilliseconds(context.Int("sleepMs", 0, min: 0, max: 600_000));
        _failAll = context.Bool("failAll", false);
        _poisonPrefix = context.Settings.TryGetValue("poisonPrefix", out var prefix) && prefix.Length > 0
            ? Encoding.UTF8.GetBytes(prefix)
            : null;
        var path = Path.Combine(output, SafeFileName(context.TaskId) + ProcessedRecord.FileExtension);
        // No buffering of our own: every line is one write system call.
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    public async ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken)
    {
        if (_work > TimeSpan.Zero)
        {
            await Task.Delay(_work, cancellationToken);
        }
        if (_failAll)
        {
            throw new InvalidOperationException($"version {_context.Version} fails every record (failAll=true)");
        }
        if (_poisonPrefix is not null && message.Value is { } value && value.AsSpan().StartsWith(_poisonPrefix))
        {
            throw new InvalidDataException($"poison record at {message}");
        }

        var record = new ProcessedRecord(
            message.Topic, message.Partition, message.Offset,
            message.Key is null ? null : Convert.ToBase64String(message.Key),
            _context.Version, _context.TaskId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var line = Encoding.UTF8.GetBytes(record.Format() + "\n");
        lock (_gate)
        {
            _file.Write(line);
        }
    }

    public void Dispose() => _file.Dispose();

    private static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string(name.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
    }
}
