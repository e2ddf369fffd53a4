using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.ControlPlane;

namespace Sluice.Scheduler.Tests.ControlPlane;

public sealed class ControlPlaneSecretTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("sluice-secret-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void With_file_state_a_secret_is_generated_once_kept_owner_only_and_reused_after_a_restart()
    {
        var options = new SchedulerOptions { State = "file:" + _state };

        var first = ControlPlaneSecret.Resolve(options);
        var second = ControlPlaneSecret.Resolve(options);

        Assert.Equal(64, first.Length);
        Assert.Equal(first, second);
        var file = Path.Combine(_state, ControlPlaneSecret.FileName);
        Assert.True(OperatingSystem.IsLinux(), "the sandbox-file mode is checked on Linux, where the scheduler runs");
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void The_flag_wins_over_a_kept_file_and_memory_state_without_it_has_none()
    {
        Assert.Equal("s3cret", ControlPlaneSecret.Resolve(new SchedulerOptions { State = "file:" + _state, ControlPlaneSecret = "s3cret" }));
        Assert.False(File.Exists(Path.Combine(_state, ControlPlaneSecret.FileName)));
        Assert.Equal("", ControlPlaneSecret.Resolve(new SchedulerOptions { State = "memory" }));
    }
}
