using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sluice.Local.Mesos.Agent;

/// <summary>
/// An executor (or command task) as a real OS process in its own session and process group, with
/// stdout/stderr going to files in its sandbox, and signals sent to the whole group.
/// </summary>
/// <remarks>
/// The process is started as <c>setsid /bin/sh -c 'exec &gt;&gt;stdout 2&gt;&gt;stderr &lt;/dev/null; exec "$@"' sh ARGV...</c>:
/// setsid makes it a group leader (so SIGTERM reaches its children too, as Mesos' launcher kills
/// the container's cgroup), the shell redirects into the sandbox, starts a watchdog (see
/// <see cref="Watchdog"/>) and then execs the command, so the pid we hold is the command's own. ARGV is <c>/bin/sh -c VALUE</c> when <c>shell</c> (Mesos'
/// default), else VALUE with <c>arguments[1..]</c> (Mesos passes arguments as argv including argv[0];
/// .NET cannot set argv[0], so the program sees VALUE there).
/// </remarks>
internal sealed partial class ExecutorProcess
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private static readonly string? SetSid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : File.Exists("/bin/setsid") ? "/bin/setsid" : null;

    private readonly Process _process;
    private readonly bool _ownGroup;
    private volatile bool _exited;

    private ExecutorProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
        Pid = process.Id;
        Exited = WaitAsync();
    }

    public int Pid { get; private init; }

    /// <summary>Completes with the exit code when the process ends (.NET reports 128+N for signal N).</summary>
    public Task<int> Exited { get; }

    public static ExecutorProcess Start(Sluice.Proto.Mesos.V1.CommandInfo command, IReadOnlyDictionary<string, string> environment, string sandbox)
    {
        var argv = new List<string>();
        if (command.Shell)
        {
            argv.AddRange(["/bin/sh", "-c", command.Value]);
        }
        else
        {
            argv.Add(command.Value);
            argv.AddRange(command.Arguments.Skip(1));
        }
        var start = new ProcessStartInfo
        {
            FileName = SetSid ?? "/bin/sh",
            WorkingDirectory = sandbox,
            UseShellExecute = false,
        };
        if (SetSid is not null)
        {
            start.ArgumentList.Add("/bin/sh");
        }
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(SetSid is null
            ? "exec >>stdout 2>>stderr </dev/null; exec \"$@\""
            : "exec >>stdout 2>>stderr </dev/null; " + Watchdog(System.Environment.ProcessId) + "exec \"$@\"");
        start.ArgumentList.Add("sh");
        foreach (var arg in argv)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the executor process did not start");
        return new ExecutorProcess(process, SetSid is not null);
    }

    /// <summary>
    /// A background loop in the executor's process group that SIGKILLs the group when the agent's
    /// process is gone (so executors do not outlive a crashed or killed <c>sluice-local</c>), or
    /// when the executor itself has ended (as Mesos destroys the container, every process in it,
    /// when the executor exits).
    /// </summary>
    private static string Watchdog(int agentPid) =>
        $"( while kill -0 {agentPid} 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done; kill -KILL -$$ 2>/dev/null ) & ";

    /// <summary>SIGTERM to the process group: the executor gets a chance to end cleanly.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGKILL to the process group and to every descendant found: nothing survives.</summary>
    public void KillTree()
    {
        if (_exited)
        {
            return;
        }
        Signal(SigKill);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private void Signal(int signal)
    {
        if (_exited)
        {
            return;
        }
        _ = _ownGroup ? Kill(-Pid, signal) : Kill(Pid, signal);
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _exited = true;
        var code = _process.ExitCode;
        return code;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
