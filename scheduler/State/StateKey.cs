using System.Text.RegularExpressions;

namespace Sluice.Scheduler.State;

/// <summary>
/// Where a record lives, as a relative path shared by every store: <c>framework-id</c>, <c>consumers/&lt;name&gt;</c>,
/// <c>consumers/&lt;name&gt;/ownership</c>, <c>deployments/&lt;id&gt;</c> (the ZooKeeper layout of DESIGN.md §4).
/// </summary>
internal static partial class StateKey
{
    public const string FrameworkId = "framework-id";
    public const string Consumers = "consumers";
    public const string Deployments = "deployments";

    public static string Consumer(string name) => $"{Consumers}/{CheckName(name, nameof(name))}";

    public static string Ownership(string consumer) => $"{Consumer(consumer)}/ownership";

    public static string Deployment(string id) => $"{Deployments}/{CheckName(id, nameof(id))}";

    /// <summary>The parent record a key needs (ownership needs its consumer), or null.</summary>
    public static string? RequiredParent(string key) =>
        key.StartsWith(Consumers + "/", StringComparison.Ordinal) && key.EndsWith("/ownership", StringComparison.Ordinal)
            ? key[..^"/ownership".Length]
            : null;

    /// <summary>Checks a record name (consumer, deployment id, framework): one path segment of safe characters.</summary>
    public static string CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (!ValidName().IsMatch(name) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a valid name: use letters, digits, '.', '_' and '-'.", parameter);
        }

        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex ValidName();
}
