using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// Routes the C client's log lines (its per-handle log callback, set through <c>zookeeper_init2</c>) to
/// <see cref="ILogger"/>. The callback carries no context pointer, so lines cannot be told apart per handle: each
/// line goes once to the <c>Sluice.ZooKeeper.Native</c> logger of every distinct <see cref="ILoggerFactory"/> of the
/// live clients (one, in a scheduler). Thread-safe: lines come from the C client's IO threads and from the thread
/// calling <c>zookeeper_init2</c>.
/// </summary>
internal static partial class NativeLog
{
    public const string Category = "Sluice.ZooKeeper.Native";
    private static readonly Lock Gate = new();
    private static readonly Dictionary<ILoggerFactory, (ILogger Logger, int Clients)> Factories = new(ReferenceEqualityComparer.Instance);
    private static volatile ILogger[] s_loggers = [];

    /// <summary>Adds a client's factory (counted per client); <see cref="NullLoggerFactory"/> is ignored.</summary>
    public static void Register(ILoggerFactory factory)
    {
        if (factory is NullLoggerFactory) return;
        lock (Gate)
        {
            Factories[factory] = Factories.TryGetValue(factory, out var entry)
                ? (entry.Logger, entry.Clients + 1)
                : (factory.CreateLogger(Category), 1);
            s_loggers = [.. Factories.Values.Select(v => v.Logger)];
        }
    }

    public static void Unregister(ILoggerFactory factory)
    {
        lock (Gate)
        {
            if (!Factories.TryGetValue(factory, out var entry)) return;
            if (entry.Clients > 1) Factories[factory] = (entry.Logger, entry.Clients - 1);
            else Factories.Remove(factory);
            s_loggers = [.. Factories.Values.Select(v => v.Logger)];
        }
    }

    /// <summary>Maps a Microsoft log level to the C client's (process-wide) <c>ZooLogLevel</c>.</summary>
    public static int ToNativeLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => ZooKeeperConstants.LogLevelDebug,
        LogLevel.Information => ZooKeeperConstants.LogLevelInfo,
        LogLevel.Warning => ZooKeeperConstants.LogLevelWarn,
        LogLevel.Error or LogLevel.Critical => ZooKeeperConstants.LogLevelError,
        _ => ZooKeeperConstants.LogLevelOff,
    };

    /// <summary>
    /// One line as the C client formats it: <c>time:pid(0xtid):ZOO_ERROR@function@line: text</c>.
    /// ZOO_ERROR maps to <see cref="LogLevel.Warning"/>: the C client logs every failed reconnection attempt as an
    /// error (about 15 lines a second while a server is down) though it recovers by itself; the session state
    /// events report what matters (disconnected, expired).
    /// </summary>
    public static void Write(string line)
    {
        var loggers = s_loggers;
        if (loggers.Length == 0) return;
        var (level, text) = Parse(line);
        foreach (var logger in loggers)
        {
            if (logger.IsEnabled(level)) LogNativeLine(logger, level, text);
        }
    }

    public static void CallbackFailed(Exception exception)
    {
        foreach (var logger in s_loggers) LogCallbackFailed(logger, exception);
    }

    internal static (LogLevel Level, string Text) Parse(string line)
    {
        line = line.TrimEnd('\n', '\r');
        ReadOnlySpan<(string Tag, LogLevel Level)> tags =
        [
            ("ZOO_ERROR@", LogLevel.Warning), ("ZOO_WARN@", LogLevel.Warning),
            ("ZOO_INFO@", LogLevel.Information), ("ZOO_DEBUG@", LogLevel.Debug),
        ];
        foreach (var (tag, level) in tags)
        {
            var at = line.IndexOf(tag, StringComparison.Ordinal);
            if (at >= 0) return (level, line[(at + tag.Length)..]);
        }

        return (LogLevel.Information, line);
    }

    [LoggerMessage(EventName = "ZooKeeperNative", Message = "{Line}")]
    private static partial void LogNativeLine(ILogger logger, LogLevel level, string line);

    [LoggerMessage(EventName = "ZooKeeperCallbackFailed", Level = LogLevel.Error,
        Message = "A ZooKeeper completion failed inside the C client's callback; the exception was contained")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);
}
