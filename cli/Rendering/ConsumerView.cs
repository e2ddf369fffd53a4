using System.Globalization;
using Sluice.Cli.Api;
using Spectre.Console.Rendering;

namespace Sluice.Cli.Rendering;

/// <summary><c>consumers show</c>: a consumer's spec as name/value lines.</summary>
internal static class ConsumerView
{
    public static IRenderable Render(ConsumerSpec c) => Tables.Details(
    [
        ("name", c.Name),
        ("topics", string.Join(", ", c.Topics)),
        ("group id", c.GroupId),
        ("version", c.Versions.Count > 1 ? $"{c.Version} (versions: {string.Join(", ", c.Versions)})" : c.Version),
        ("handler", Handler(c.Handler)),
        ("artifacts", string.Join(", ", c.ArtifactUris)),
        ("resources", string.Create(CultureInfo.InvariantCulture, $"{c.Resources.Cpus:0.###} cpus, {c.Resources.Mem:0.#} MB mem, {c.Resources.Disk:0.#} MB disk")),
        ("instances", c.Instances.ToString(CultureInfo.InvariantCulture)),
        ("workers", c.Workers.ToString(CultureInfo.InvariantCulture)),
        ("ordering", c.Ordering),
        ("failure policy", c.DeadLetterTopic is null ? c.FailurePolicy : $"{c.FailurePolicy} (dead letters to {c.DeadLetterTopic})"),
        ("batches", string.Create(CultureInfo.InvariantCulture, $"up to {c.BatchSize} message(s), linger {c.BatchLingerMs} ms")),
        ("constraints", string.Join(", ", c.Constraints.Select(x => string.Join(":", x)))),
        ("revision", c.Revision.ToString(CultureInfo.InvariantCulture)),
    ]);

    private static string? Handler(HandlerSpec handler)
    {
        var text = handler.Assembly is null ? handler.Type : $"{handler.Type} ({handler.Assembly})";
        return handler.Settings is { Count: > 0 } settings
            ? $"{text}; settings {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}"
            : text;
    }
}
