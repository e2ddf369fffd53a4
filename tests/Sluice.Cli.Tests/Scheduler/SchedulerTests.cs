using Sluice.Cli.Tests.Infrastructure;

namespace Sluice.Cli.Tests.Scheduler;

/// <summary>Base of the tests against the shared scheduler process (each derived class names <see cref="SchedulerCollection"/>): the process and a folder for spec files.</summary>
public abstract class SchedulerTests(SchedulerProcess scheduler) : IDisposable
{
    protected SchedulerProcess Scheduler => scheduler;

    private protected TempFiles Files { get; } = new();

    /// <summary>A spec file with the two required fields.</summary>
    protected string MinimalSpec(string fileName = "spec.json") =>
        Files.Write(fileName, """{"topics": ["orders"], "handler": {"type": "Acme.OrderHandler"}}""");

    public void Dispose()
    {
        Files.Dispose();
        GC.SuppressFinalize(this);
    }
}
