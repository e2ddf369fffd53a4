using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.ControlPlane;

namespace Sluice.Integration.Tests.Handover;

/// <summary>The scheduler's control-plane server alone, on a loopback HTTP/2 port.</summary>
internal sealed class ControlPlaneHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ControlPlaneHost(WebApplication app) => _app = app;

    public ExecutorRegistry Registry => _app.Services.GetRequiredService<ExecutorRegistry>();

    public string Address => new Uri(_app.Urls.First()).Authority;

    public static async Task<ControlPlaneHost> StartAsync(ControlPlaneOptions options, ILeadership? leadership = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ExecutorRegistry>();
        builder.Services.AddSingleton(leadership ?? new SoleLeader());
        var app = builder.Build();
        app.MapGrpcService<ControlPlaneService>();
        await app.StartAsync();
        return new ControlPlaneHost(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
