using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Mesos.Tests.Scheduler;

public sealed class MesosSchedulerClientBuilderTests
{
    private static MesosSchedulerClientBuilder CreateSut(FrameworkInfo? info = null) =>
        new(info ?? new FrameworkInfo { User = "", Name = "sluice" });

    [Fact]
    public void Defaults_AreMesosFriendly()
    {
        Assert.Equal(3, MesosSchedulerClientBuilder.DefaultMissedHeartbeats);
        Assert.Equal(TimeSpan.FromSeconds(15), MesosSchedulerClientBuilder.DefaultHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), MesosSchedulerClientBuilder.DefaultMaxBackoff);
    }

    [Fact]
    public async Task Build_WithMasters_Succeeds()
    {
        await using var client = CreateSut().UseMasters(new Uri("http://m1:5050")).Build();

        Assert.IsType<SchedulerConnectionState.Disconnected>(client.State);
        Assert.Null(client.FrameworkId);
    }

    [Fact]
    public void Build_FrameworkInfoWithId_FailsOverToIt()
    {
        var info = new FrameworkInfo { User = "", Name = "sluice", Id = new FrameworkID { Value = "fw-9" } };

        var client = CreateSut(info).UseMasters(new Uri("http://m1:5050")).Build();

        Assert.Equal("fw-9", client.FrameworkId!.Value);
    }

    [Fact]
    public void Build_NoMaster_ThrowsNamingTheMethods()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CreateSut().Build());

        Assert.Contains(nameof(MesosSchedulerClientBuilder.UseMasters), error.Message);
    }

    [Fact]
    public void Build_FrameworkInfoWithoutUserOrName_ThrowsNamingTheFields()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CreateSut(new FrameworkInfo()).UseMasters(new Uri("http://m1:5050")).Build());

        Assert.Contains("FrameworkInfo.user", error.Message);
        Assert.Contains("FrameworkInfo.name", error.Message);
    }

    public static TheoryData<Func<MesosSchedulerClientBuilder, MesosSchedulerClientBuilder>, string> InvalidSettings => new()
    {
        { b => b.WithBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)), "backoff" },
        { b => b.WithBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), "backoff" },
        { b => b.WithHeartbeatTimeout(0), "missed heartbeats" },
        { b => b.WithHeartbeatTimeout(3, TimeSpan.Zero), "heartbeat interval" },
        { b => b.WithCallTimeout(TimeSpan.Zero), "call timeout" },
        { b => b.WithCallAttempts(0), "call attempts" },
        { b => b.WithMaxRedirects(0), "redirects" },
        { b => b.WithMaxEventLength(0), "event length" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Build_InvalidSetting_ThrowsNamingIt(Func<MesosSchedulerClientBuilder, MesosSchedulerClientBuilder> configure, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => configure(CreateSut().UseMasters(new Uri("http://m1:5050"))).Build());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void OnConnectionStateChanged_SetTwice_Throws()
    {
        var builder = CreateSut().OnConnectionStateChanged(_ => { });

        Assert.Throws<InvalidOperationException>(() => builder.OnConnectionStateChanged(_ => { }));
    }
}
