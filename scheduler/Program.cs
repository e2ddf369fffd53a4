using Sluice.Scheduler.Hosting;

// The Sluice scheduler (DESIGN.md §1–5). Settings: flags, SLUICE_* variables, Marathon's PORT0/PORT1/HOST.
return await SchedulerHost.RunAsync(args, Console.Error);
