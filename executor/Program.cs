using Microsoft.Extensions.Logging;
using Sluice.Executor;
using Sluice.Mesos.Executor;

// The executor process, started by a Mesos agent with the MESOS_* environment (DESIGN.md §3.2).
ExecutorEnvironment environment;
try
{
    environment = ExecutorEnvironment.FromEnvironment();
}
catch (ExecutorEnvironmentException ex)
{
    Console.Error.WriteLine($"sluice-executor: {ex.Message}");
    Console.Error.WriteLine("sluice-executor is started by a Mesos agent, which sets MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID and the rest.");
    return 2;
}

using var loggers = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "HH:mm:ss.fff ";
    })
    .SetMinimumLevel(LogLevel.Information));
using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    // The agent's SIGTERM after the grace period: stop cleanly rather than die mid-commit.
    context.Cancel = true;
    stop.Cancel();
});
return await new ExecutorHost(environment, loggers).RunAsync(stop.Token);
