using Sluice.EndToEnd.World;

namespace Sluice.Dashboard.Tests.World;

/// <summary>
/// The real scheduler process for the dashboard's tests: file state in a temporary directory (removed on dispose),
/// no Mesos master answering and Kafka unreachable: the dashboard needs only the REST API and the static files.
/// </summary>
internal sealed class DashboardScheduler : IAsyncDisposable
{
    private readonly SchedulerProcess _process;
    private readonly string _state;

    private DashboardScheduler(SchedulerProcess process, string state)
    {
        _process = process;
        _state = state;
    }

    public Uri Rest => _process.Rest;

    /// <summary>The last lines the scheduler wrote (stdout and stderr).</summary>
    public string Output => string.Join(Environment.NewLine, _process.Output.TakeLast(40));

    public static async Task<DashboardScheduler> StartAsync(string apiToken)
    {
        var state = Directory.CreateTempSubdirectory("sluice-dashboard-state-").FullName;
        var process = new SchedulerProcess([
            "--master", $"http://127.0.0.1:{SchedulerProcess.FreePort()}",
            "--state", $"file:{state}",
            "--kafka", "127.0.0.1:9",
            "--api-token", apiToken,
        ]);
        try
        {
            await process.StartAsync();
            return new DashboardScheduler(process, state);
        }
        catch
        {
            await process.DisposeAsync();
            Directory.Delete(state, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // The process still closing a file: the temporary directory is reclaimed later.
        }
    }
}
