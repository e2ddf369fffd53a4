namespace Sluice.Scheduler.Configuration;

/// <summary>A bad or missing setting: start-up stops with this one line.</summary>
public sealed class SchedulerConfigurationException(string message) : Exception(message);
