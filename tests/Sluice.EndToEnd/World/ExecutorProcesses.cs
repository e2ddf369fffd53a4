namespace Sluice.EndToEnd.World;

/// <summary>Finds the executor process of a task (the agent starts it with <c>MESOS_EXECUTOR_ID</c> = the task id).</summary>
internal static class ExecutorProcesses
{
    public static int? FindPid(string executorId)
    {
        var wanted = "MESOS_EXECUTOR_ID=" + executorId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var environment = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environment.Split('\0').Contains(wanted, StringComparer.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours.
            }
        }
        return null;
    }

    /// <summary>kill -9.</summary>
    public static void Kill(int pid) => System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: false);
}
