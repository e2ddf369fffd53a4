// The Sluice scheduler: built in the scheduler/executor issue.
Console.Error.WriteLine("sluice-scheduler: not built yet (see the scheduler/executor issue).");
return 64;
