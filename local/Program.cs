using Sluice.Local;

// sluice-local: the one-machine world. `kafka` runs the embedded Kafka; `mesos` (the local
// Mesos master and agents) arrives with the local-Mesos issue.
return await LocalCommandLine.RunAsync(args, Console.Out, Console.Error);
