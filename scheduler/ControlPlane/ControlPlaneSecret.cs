using System.Security.Cryptography;
using Sluice.Scheduler.Configuration;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// The per-framework secret every executor's Hello must carry (DESIGN.md §3.3): handed to executors in
/// <c>TaskInfo.data</c>, never on a command line. <c>--control-plane-secret</c> sets it (the same on every
/// scheduler of an HA set); with a file state store and no flag, one is generated once and kept beside the state
/// (mode 0600), so a restarted scheduler still accepts its running executors.
/// </summary>
internal static class ControlPlaneSecret
{
    public const string FileName = "control-plane.secret";

    /// <returns>The secret, or empty when none can be kept (ZooKeeper state without the flag: any executor is accepted).</returns>
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
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
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
