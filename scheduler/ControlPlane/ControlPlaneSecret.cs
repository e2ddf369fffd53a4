using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Configuration;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// The per-framework secret every executor's Hello must carry (DESIGN.md §3.3): handed to executors in
/// <c>TaskInfo.data</c>, never on a command line. <c>--control-plane-secret</c> sets it. Without the flag one is
/// generated once and kept where every later scheduler of the framework finds it, so a restarted scheduler or a new
/// leader still accepts the running executors: beside a file state (mode 0600), or in ZooKeeper
/// (<see cref="ZooKeeperControlPlaneSecret"/>).
/// </summary>
internal static class ControlPlaneSecret
{
    public const string FileName = "control-plane.secret";

    /// <summary>The flag, else the one kept beside a file state.</summary>
    /// <returns>The secret, or empty for a memory state without the flag (any executor is accepted).</returns>
    public static string Resolve(SchedulerOptions options)
    {
        if (!string.IsNullOrEmpty(options.ControlPlaneSecret))
        {
            return options.ControlPlaneSecret;
        }
        if (options.State is { } state && state.StartsWith("file:", StringComparison.Ordinal))
        {
            return ReadOrCreate(Path.Combine(state["file:".Length..], FileName));
        }
        return "";
    }

    /// <summary>The flag, else the one kept in ZooKeeper for <see cref="SchedulerOptions.FrameworkName"/> (created if missing).</summary>
    public static async Task<string> ResolveAsync(SchedulerOptions options, IZooKeeperClient client, ILogger logger, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.ControlPlaneSecret))
        {
            return options.ControlPlaneSecret;
        }
        var authenticated = State.ZooKeeperAuth.Parse(options.ZkAuth) is not null;
        return await ZooKeeperControlPlaneSecret.ReadOrCreateAsync(client, options.FrameworkName, authenticated, logger, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A new random secret: 32 bytes as lowercase hex.</summary>
    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    internal static string ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var kept = File.ReadAllText(path).Trim();
            if (kept.Length > 0)
            {
                return kept;
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var secret = New();
        var temp = path + ".tmp";
        File.WriteAllText(temp, "");
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only before the secret is written into it.
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(temp, secret);
        File.Move(temp, path, overwrite: true);
        return secret;
    }
}
