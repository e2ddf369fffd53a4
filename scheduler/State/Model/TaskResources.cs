namespace Sluice.Scheduler.State.Model;

/// <summary>Mesos resources one consumer task asks for.</summary>
internal sealed record TaskResources(double Cpus, double MemoryMb, double DiskMb);
