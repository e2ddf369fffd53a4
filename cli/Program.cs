using System.Runtime.InteropServices;
using Sluice.Cli;

// sluice: the command-line client of the scheduler's REST API (cli/README.md).
// Ctrl-C (and SIGTERM) cancel the running command, which ends cleanly; a second Ctrl-C ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});
return await CliApp.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariables(), cancellation.Token);
