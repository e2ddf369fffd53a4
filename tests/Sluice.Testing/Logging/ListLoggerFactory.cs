using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing.Logging;

/// <summary>Keeps every entry logged through it, so tests can check what a component reported.</summary>
public sealed class ListLoggerFactory : ILoggerFactory
{
    private int _errorCount;

    /// <summary>Entries below this level are not kept (nor formatted); default: everything.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <summary>Entries at <see cref="LogLevel.Error"/> or above: what a component logs when something escaped its handling.</summary>
    public IEnumerable<LogEntry> Errors => Entries.Where(e => e.Level >= LogLevel.Error);

    /// <summary>How many of <see cref="Errors"/> there are, without walking the entries (cheap enough to check after every request).</summary>
    public int ErrorCount => Volatile.Read(ref _errorCount);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            owner.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
            if (logLevel >= LogLevel.Error)
            {
                Interlocked.Increment(ref owner._errorCount);
            }
        }
    }
}

/// <summary>One logged line.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})")}";
}
