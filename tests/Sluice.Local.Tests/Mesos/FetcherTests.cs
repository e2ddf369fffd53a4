using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Local.Mesos;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;

namespace Sluice.Local.Tests.Mesos;

/// <summary>CommandInfo.uris are fetched into the sandbox before the command runs.</summary>
public sealed class FetcherTests : IDisposable
{
    private readonly string _source = Directory.CreateTempSubdirectory("sluice-fetch-").FullName;

    [Fact]
    public async Task Files_archives_and_http_downloads_land_in_the_sandbox_before_the_command_runs()
    {
        // A script (made executable by the fetcher), a .tar.gz and a .zip (extracted), and an HTTP download.
        var script = Path.Combine(_source, "hello.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho script-ran\n");
        var tarDir = Directory.CreateDirectory(Path.Combine(_source, "tar")).FullName;
        await File.WriteAllTextAsync(Path.Combine(tarDir, "from-tar.txt"), "tar");
        var tarGz = Path.Combine(_source, "bundle.tar.gz");
        await using (var file = File.Create(tarGz))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            await TarFile.CreateFromDirectoryAsync(tarDir, gzip, includeBaseDirectory: false);
        }
        var zipDir = Directory.CreateDirectory(Path.Combine(_source, "zip")).FullName;
        await File.WriteAllTextAsync(Path.Combine(zipDir, "from-zip.txt"), "zip");
        var zip = Path.Combine(_source, "bundle.zip");
        ZipFile.CreateFromDirectory(zipDir, zip);

        var (server, port) = await LoopbackHttpServer.StartAsync(0, NullLoggerFactory.Instance,
            app => app.MapGet("/artifact.bin", (HttpContext context) => context.Response.WriteAsync("downloaded")), CancellationToken.None);
        await using var _ = server;

        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var task = CommandTask(offer, "fetch-1",
            "./hello.sh && cat from-tar.txt from-zip.txt artifact.bin && test -x hello.sh && test ! -e bundle.tar.gz.extracted");
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = "file://" + script, Executable = true });
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = tarGz });
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = zip });
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = $"http://127.0.0.1:{port}/artifact.bin" });
        await scheduler.LaunchAsync(offer, task);

        var finished = await scheduler.WaitForStateAsync("fetch-1", TaskState.TaskFinished, Slow);
        var stdout = Directory.GetFiles(world.WorkDirectory, "stdout", SearchOption.AllDirectories).Single();
        Assert.Equal("script-ran\ntarzipdownloaded", await File.ReadAllTextAsync(stdout));
        Assert.Equal("Command exited with status 0", finished.Message);
    }

    [Fact]
    public async Task A_uri_that_cannot_be_fetched_fails_the_task_with_REASON_CONTAINER_LAUNCH_FAILED()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var task = CommandTask(offer, "fetch-2", "true");
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = Path.Combine(_source, "missing.tar.gz") });
        await scheduler.LaunchAsync(offer, task);

        var failed = await scheduler.WaitForStateAsync("fetch-2", TaskState.TaskFailed, Slow);
        Assert.Equal(TaskStatus.Types.Reason.ContainerLaunchFailed, failed.Reason);
        Assert.Contains("missing.tar.gz", failed.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_source, recursive: true);
}
