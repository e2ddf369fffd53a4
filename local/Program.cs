using Sluice.Local;

// sluice-local: the one-machine world. `kafka` runs the embedded Kafka; `mesos` runs the local
// Mesos master and agents.
return await LocalCommandLine.RunAsync(args, Console.Out, Console.Error);
