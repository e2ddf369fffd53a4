using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Sluice.Scheduler.State;

/// <summary>
/// The <c>--local</c> <see cref="IStateStore"/>: every record in one JSON file, <c>state.json</c>, in a directory.
/// A write builds the next state, writes it to <c>state.json.tmp</c>, fsyncs it, renames it over <c>state.json</c>
/// (atomic) and fsyncs the directory, so a crash leaves the old or the new state, never a torn file. An exclusive
/// lock on <c>state.lock</c> (held while the store is open, released by the kernel if the process dies) keeps a
/// second scheduler out. Writes are synchronous and serialized; fine for one machine's worth of records.
/// </summary>
internal sealed partial class FileStateStore : DocumentStateStore, IDisposable
{
    public const string StateFileName = "state.json";
    public const string LockFileName = "state.lock";
    private const string TempFileName = StateFileName + ".tmp";
    private const int FormatVersion = 1;

    private readonly Lock _gate = new();
    private readonly string _directory;
    private FileStream? _lock;
    private ImmutableSortedDictionary<string, StoredDocument> _documents;

    private FileStateStore(string directory, FileStream lockFile, ImmutableSortedDictionary<string, StoredDocument> documents)
    {
        _directory = directory;
        _lock = lockFile;
        _documents = documents;
    }

    public string StateFile => Path.Combine(_directory, StateFileName);

    /// <summary>
    /// Takes the directory's lock and loads its state. Throws <see cref="StateStoreLockedException"/> when another
    /// process (or store) holds the lock, <see cref="InvalidDataException"/> when <c>state.json</c> cannot be read.
    /// </summary>
    public static FileStateStore Open(string directory, ILogger<FileStateStore> logger)
    {
        Directory.CreateDirectory(directory);
        var lockPath = Path.Combine(directory, LockFileName);
        FileStream lockFile;
        try
        {
            // FileShare.None is an exclusive flock(2) on Unix: advisory, per open file, released when the process dies.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StateStoreLockedException(lockPath, e);
        }

        try
        {
            lockFile.SetLength(0);
            lockFile.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            lockFile.Flush();
            File.Delete(Path.Combine(directory, TempFileName)); // a write interrupted before its rename
            var statePath = Path.Combine(directory, StateFileName);
            var documents = File.Exists(statePath) ? Parse(File.ReadAllBytes(statePath), statePath) : DocumentMap.Empty;
            LogOpened(logger, directory, documents.Count);
            return new FileStateStore(directory, lockFile, documents);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lock?.Dispose();
            _lock = null;
        }
    }

    protected override Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_documents.GetValueOrDefault(key));
    }

    protected override Task<long> WriteAsync(string key, byte[] data, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var next = DocumentMap.Write(_documents, key, data, expectedVersion, out var version);
            Persist(next);
            return Task.FromResult(version);
        }
    }

    protected override Task DeleteAsync(string key, long expectedVersion, IReadOnlyList<string> children, CancellationToken cancellationToken)
    {
        lock (_gate) Persist(DocumentMap.Delete(_documents, key, expectedVersion, children));
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> ListAsync(string collection, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(DocumentMap.List(_documents, collection));
    }

    /// <summary>Writes <paramref name="next"/> durably, then makes it current (the caller holds the gate).</summary>
    private void Persist(ImmutableSortedDictionary<string, StoredDocument> next)
    {
        ObjectDisposedException.ThrowIf(_lock is null, this);
        var temp = Path.Combine(_directory, TempFileName);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Serialize(next, stream);
            stream.Flush(flushToDisk: true); // fsync: the bytes are on disk before the rename makes them the state
        }

        File.Move(temp, StateFile, overwrite: true); // rename(2): atomic replacement
        SyncDirectory(_directory); // make the rename itself durable
        _documents = next;
    }

    private static void Serialize(ImmutableSortedDictionary<string, StoredDocument> documents, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("format", FormatVersion);
        writer.WriteStartArray("documents");
        foreach (var (key, document) in documents)
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WriteNumber("version", document.Version);
            writer.WritePropertyName("value");
            writer.WriteRawValue(document.Data, skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static ImmutableSortedDictionary<string, StoredDocument> Parse(byte[] bytes, string path)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.GetProperty("format").GetInt32() != FormatVersion) throw new InvalidDataException($"{path}: unknown format.");
            var builder = ImmutableSortedDictionary.CreateBuilder<string, StoredDocument>(StringComparer.Ordinal);
            foreach (var document in root.GetProperty("documents").EnumerateArray())
            {
                var key = document.GetProperty("key").GetString() ?? throw new InvalidDataException($"{path}: a document without key.");
                var data = Encoding.UTF8.GetBytes(document.GetProperty("value").GetRawText());
                builder[key] = new StoredDocument(data, document.GetProperty("version").GetInt64());
            }

            return builder.ToImmutable();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"The state file {path} cannot be read: {e.Message}", e);
        }
    }

    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Posix.Open(directory, Posix.ReadOnly | Posix.Directory);
        if (fd < 0) throw new IOException($"Cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Posix.Fsync(fd) != 0) throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    [LoggerMessage(EventName = "FileStateOpened", Level = LogLevel.Information,
        Message = "File state store opened in {Directory} with {Documents} records")]
    private static partial void LogOpened(ILogger logger, string directory, int documents);

    /// <summary>The three libc calls .NET has no API for: fsync of a directory.</summary>
    private static class Posix
    {
        public const int ReadOnly = 0;       // O_RDONLY
        public const int Directory = 0x10000; // O_DIRECTORY (Linux x86-64)

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}
