using System.Collections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.Configuration;
using Prometheus;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Engine;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Leadership;
using Sluice.Scheduler.State;

namespace Sluice.Scheduler.Hosting;

/// <summary>
/// The scheduler process: reads and validates its settings (flags, <c>SLUICE_*</c>, Marathon's
/// PORT0/PORT1/HOST), opens the state store and joins the leadership, and serves the REST API
/// (HTTP/1.1) and the executors' control plane (HTTP/2) on their two ports.
/// </summary>
internal static class SchedulerHost
{
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken = default)
    {
        SchedulerOptions options;
        try
        {
            options = ReadOptions(args, Environment.GetEnvironmentVariables());
        }
        catch (SchedulerConfigurationException ex)
        {
            error.WriteLine($"sluice-scheduler: {ex.Message}");
            return 2;
        }

        ExecutorArtifact executor;
        try
        {
            executor = ExecutorArtifact.Resolve(options.Executor);
        }
        catch (FileNotFoundException ex)
        {
            error.WriteLine($"sluice-scheduler: {ex.Message}");
            return 2;
        }

        var rest = new Uri(options.Listen ?? SchedulerOptions.DefaultListen);
        var controlPlane = new Uri(options.ControlPlaneListen ?? SchedulerOptions.DefaultControlPlaneListen);
        var advertise = options.Advertise ?? rest.Host;
        // Under Marathon the task id names this instance in logs, the election node and the executors' Welcome.
        var instance = Environment.GetEnvironmentVariable("MESOS_TASK_ID") is { Length: > 0 } taskId ? taskId : Guid.NewGuid().ToString("N");
        // Executors get this address in TaskData, and standbys redirect them to it: a proxy in front of the port is advertised as it.
        var controlPlaneAddress = options.ControlPlaneAdvertise ?? $"{advertise}:{controlPlane.Port}";
        var self = new LeaderInfo(instance, $"http://{advertise}:{rest.Port}/", controlPlaneAddress);
        var lease = options.LeaseTimeout is { } leaseText ? new LeaseTimings(DurationSetting.Parse(leaseText)) : LeaseTimings.Default;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Parse(rest.Host), rest.Port, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(System.Net.IPAddress.Parse(controlPlane.Host), controlPlane.Port, o => o.Protocols = HttpProtocols.Http2);
        });

        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
        SchedulerState state;
        try
        {
            state = await SchedulerState.OpenAsync(options, self, loggers, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is StateStoreException or IOException or UnauthorizedAccessException or Sluice.ZooKeeper.ZooKeeperException)
        {
            error.WriteLine($"sluice-scheduler: the state store could not be opened ({options.Zk ?? options.State}): {ex.Message}");
            return 1;
        }

        await using (state)
        {
            using var leadership = new LeadershipView(state.Leadership);
            string? warning = null;
            builder.Services.AddSingleton(Options.Create(options));
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(state.Store);
            builder.Services.AddSingleton<ControlPlane.ILeadership>(leadership);
            builder.Services.AddSingleton<IApiLeadership>(leadership);
            builder.Services.AddSingleton<ExecutorRegistry>();
            var secret = state.ControlPlaneSecret;
            if (secret.Length == 0)
            {
                warning = "no --control-plane-secret: any process that reaches the control-plane port is accepted as an executor";
            }
            builder.Services.AddSingleton(Options.Create(new ControlPlaneOptions
            {
                SchedulerId = self.CandidateId,
                Secret = secret,
                LeaseTimeout = lease.Lease,
                PingInterval = lease.PingInterval,
            }));
            builder.Services.AddSingleton(state.Leadership);
            builder.Services.AddSingleton(Options.Create(new EngineOptions { SilentTaskGrace = lease.SilentOwnerGrace }));
            builder.Services.AddSingleton(new HandoverOptions { SilentOwnerGrace = lease.SilentOwnerGrace });
            builder.Services.AddSingleton(new EngineEndpoints(self.GrpcAddress!));
            builder.Services.AddSingleton<SchedulerMetrics>();
            builder.Services.AddSingleton(executor);
            builder.Services.AddSingleton<SchedulerEngine>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SchedulerEngine>());
            builder.Services.AddSingleton<ConsumerChangeQueue>();
            builder.Services.AddSingleton<IConsumerChangeSink>(sp => sp.GetRequiredService<ConsumerChangeQueue>());
            builder.Services.AddGrpc();
            builder.Services.AddSluiceApi(o => o.ApiToken = options.ApiToken);

            await using var app = builder.Build();
            app.UseSluiceApi();
            app.MapSluiceApi();
            app.MapSluiceDashboard();
            app.MapMetrics("/metrics", app.Services.GetRequiredService<SchedulerMetrics>().Registry);
            // The Host an executor sends is the address it dialled: the advertised one when a proxy or a port mapping is in between.
            var advertisedPort = controlPlaneAddress[(controlPlaneAddress.LastIndexOf(':') + 1)..];
            app.MapGrpcService<ControlPlaneService>().RequireHost($"*:{controlPlane.Port}", $"*:{advertisedPort}");
            if (warning is not null)
            {
                app.Logger.LogWarning("{Warning}", warning);
            }
            app.Logger.LogInformation("sluice-scheduler {Instance} of framework {Framework}: REST {Rest}, control plane {ControlPlane}, state {State}",
                self.CandidateId, options.FrameworkName, self.RestAddress, self.GrpcAddress, options.Zk ?? options.State);
            app.Logger.LogInformation("executors' lease {LeaseMs:0} ms, pinged every {PingMs:0} ms; a silent task's partitions move after {GraceMs:0} ms",
                lease.Lease.TotalMilliseconds, lease.PingInterval.TotalMilliseconds, lease.SilentOwnerGrace.TotalMilliseconds);
            await app.RunAsync();
            if (app.Services.GetRequiredService<SchedulerEngine>().ExecuteTask is { IsFaulted: true } engine)
            {
                // The host stops when the engine fails; say why, and exit non-zero so Marathon restarts it.
                error.WriteLine($"sluice-scheduler: the engine failed: {engine.Exception!.GetBaseException().Message}");
                return 1;
            }
        }
        return 0;
    }

    /// <summary>Marathon defaults, then SLUICE_* variables, then flags; validated, or one line per problem.</summary>
    internal static SchedulerOptions ReadOptions(string[] args, IDictionary environment)
    {
        var env = environment.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(SchedulerCommandLine.MarathonDefaults(env))
            .AddInMemoryCollection(SchedulerCommandLine.FromEnvironment(env))
            .AddCommandLine(SchedulerCommandLine.Normalize(args), SchedulerCommandLine.SwitchMappings.ToDictionary())
            .Build();
        var options = new SchedulerOptions();
        try
        {
            configuration.GetSection(SchedulerOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new SchedulerConfigurationException($"a setting has the wrong form: {ex.InnerException?.Message ?? ex.Message}");
        }
        var result = new SchedulerOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new SchedulerConfigurationException(string.Join(Environment.NewLine + "sluice-scheduler: ", result.Failures));
        }
        if (!System.Net.IPAddress.TryParse(new Uri(options.Listen ?? SchedulerOptions.DefaultListen).Host, out _)
            || !System.Net.IPAddress.TryParse(new Uri(options.ControlPlaneListen ?? SchedulerOptions.DefaultControlPlaneListen).Host, out _))
        {
            throw new SchedulerConfigurationException("--listen and --control-plane-listen take an IP address (e.g. http://0.0.0.0:8080), not a host name");
        }
        return options;
    }
}
