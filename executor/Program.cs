// The executor process: started by a Mesos agent, hosts the consumer core. Built in the scheduler/executor issue.
Console.Error.WriteLine("sluice-executor: not built yet (see the scheduler/executor issue).");
return 64;
