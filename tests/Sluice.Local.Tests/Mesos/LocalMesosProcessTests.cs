using System.Diagnostics;
using System.Globalization;
using Sluice.Proto.Mesos.V1;
using Sluice.Testing;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;

namespace Sluice.Local.Tests.Mesos;

/// <summary><c>sluice-local mesos</c> as a separate process, the way <c>./local.sh</c> and other frameworks use it.</summary>
public sealed class LocalMesosProcessTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sluice-local-mesos-");

    [Fact]
    public async Task Tasks_do_not_outlive_a_killed_sluice_local_mesos_process()
    {
        var masterFile = Path.Combine(_work.FullName, "master");
        var start = new ProcessStartInfo(DotnetHost) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "sluice-local.dll"), "mesos", "--port", "0", "--agents", "1",
            "--heartbeat-seconds", "1", "--work-dir", Path.Combine(_work.FullName, "agents"), "--master-file", masterFile,
        })
        {
            start.ArgumentList.Add(arg);
        }
        using var local = Process.Start(start)!;
        try
        {
            await Eventually.TrueAsync(() => File.Exists(masterFile) && File.ReadAllText(masterFile).EndsWith('\n'), Slow, "sluice-local mesos wrote its master URL");
            var master = new Uri(File.ReadAllText(masterFile).Trim());
            await using var scheduler = await TestScheduler.SubscribeAsync(master, TestScheduler.Framework());
            var offer = await scheduler.NextOfferAsync(Quick);
            await scheduler.LaunchAsync(offer, CommandTask(offer, "survivor-1", "echo $$ > task.pid; exec sleep 60"));
            await scheduler.WaitForStateAsync("survivor-1", TaskState.TaskRunning, Slow);
            string? pidFile = null;
            await Eventually.TrueAsync(() =>
            {
                pidFile = Directory.GetFiles(_work.FullName, "task.pid", SearchOption.AllDirectories).FirstOrDefault();
                return pidFile is not null && File.ReadAllText(pidFile).EndsWith('\n');
            }, Quick, "the task wrote its pid");
            var pid = int.Parse(File.ReadAllText(pidFile!).Trim(), CultureInfo.InvariantCulture);
            Assert.True(ProcessAlive(pid));

            local.Kill(); // SIGKILL: no chance to clean up.
            await local.WaitForExitAsync();

            await Eventually.TrueAsync(() => !ProcessAlive(pid), Quick, $"task pid {pid} died with its agent process");
        }
        finally
        {
            if (!local.HasExited)
            {
                local.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose() => _work.Delete(recursive: true);
}
