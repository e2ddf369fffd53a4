// The sluice CLI of the scheduler's REST API: built in the operator-experience issue.
Console.Error.WriteLine("sluice: not built yet (see the operator-experience issue).");
return 64;
