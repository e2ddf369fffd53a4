using Microsoft.Extensions.Logging;

namespace Sluice.Executor.Handlers;

/// <summary>What a handler is told about the task it runs in; passed to its constructor.</summary>
/// <param name="TaskId">The Mesos task id.</param>
/// <param name="Consumer">The consumer (spec) name.</param>
/// <param name="Version">The consumer version the task runs (blue/green tells versions apart by it).</param>
/// <param name="SandboxDirectory">The task's sandbox, where fetched artifacts are.</param>
/// <param name="Settings">The handler's settings from the consumer spec.</param>
/// <param name="LoggerFactory">For the handler's own logs.</param>
public sealed record HandlerContext(
    string TaskId,
    string Consumer,
    string Version,
    string SandboxDirectory,
    IReadOnlyDictionary<string, string> Settings,
    ILoggerFactory LoggerFactory)
{
    /// <summary>A required setting; a clear <see cref="HandlerLoadException"/> when it is missing.</summary>
    public string Required(string name) =>
        Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new HandlerLoadException($"The handler needs the setting '{name}'.");

    /// <summary>An optional whole-number setting within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(string name, int fallback, int min = 0, int max = int.MaxValue)
    {
        if (!Settings.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw new HandlerLoadException($"The handler setting '{name}' must be a whole number from {min} to {max}, not '{text}'.");
    }

    /// <summary>An optional boolean setting (<c>true</c>/<c>false</c>).</summary>
    public bool Bool(string name, bool fallback)
    {
        if (!Settings.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return bool.TryParse(text, out var value)
            ? value
            : throw new HandlerLoadException($"The handler setting '{name}' must be true or false, not '{text}'.");
    }
}
