namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>The collection whose tests share one scheduler process.</summary>
[CollectionDefinition(Name)]
public sealed class SchedulerCollection : ICollectionFixture<SchedulerProcess>
{
    public const string Name = "Scheduler process";
}
