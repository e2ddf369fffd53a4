using System.Diagnostics;
using Sluice.Cli.Api;

namespace Sluice.Cli.Waiting;

/// <summary>
/// Polls a resource until it is finished, within a time limit. A few consecutive transport or 5xx failures are
/// retried (a scheduler failing over to its standby answers again shortly); more end the wait with that error.
/// </summary>
internal static class Poller
{
    public const int MaxConsecutiveFailures = 3;

    /// <param name="last">The latest answer, already shown.</param>
    /// <param name="fetch">Reads the resource again.</param>
    /// <param name="isFinished">True once nothing more will change.</param>
    /// <param name="onUpdate">Shows each new reading.</param>
    /// <param name="timeout">How long the wait may take; null: until finished or cancelled.</param>
    /// <param name="timedOut">The message when <paramref name="timeout"/> runs out, given the last reading.</param>
    public static async Task<ApiResponse<T>> UntilFinishedAsync<T>(
        ApiResponse<T> last,
        Func<CancellationToken, Task<ApiResponse<T>>> fetch,
        Func<T, bool> isFinished,
        Action<T> onUpdate,
        TimeSpan interval,
        TimeSpan? timeout,
        Func<T, string> timedOut,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var failures = 0;
        while (!isFinished(last.Value))
        {
            var remaining = timeout - clock.Elapsed ?? interval;
            if (remaining <= TimeSpan.Zero)
            {
                throw new CliException(CliError.Unreachable(timedOut(last.Value)));
            }
            await Task.Delay(remaining < interval ? remaining : interval, cancellationToken);
            try
            {
                last = await fetch(cancellationToken);
                failures = 0;
            }
            catch (CliException e) when (e.Error.Code is ExitCode.Unreachable or ExitCode.ServerError && ++failures < MaxConsecutiveFailures)
            {
                continue;
            }
            onUpdate(last.Value);
        }
        return last;
    }
}
