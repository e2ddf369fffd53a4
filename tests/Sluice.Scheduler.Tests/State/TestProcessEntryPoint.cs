namespace Sluice.Scheduler.Tests.State;

/// <summary>
/// The test assembly's own entry point (the project sets GenerateProgramFile=false), so tests can start it as a real
/// child process: <c>dotnet Sluice.Scheduler.Tests.dll &lt;command&gt; …</c>. Under the test runner it is never called.
/// </summary>
internal static class TestProcessEntryPoint
{
    public static int Main(string[] args) => args switch
    {
        [FileStoreWriterProcess.Command, var directory] => FileStoreWriterProcess.Run(directory),
        _ => 64,
    };
}
