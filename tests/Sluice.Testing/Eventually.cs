using System.Diagnostics;

namespace Sluice.Testing;

/// <summary>Bounded waits for asynchronous outcomes: poll a condition until it holds or time runs out.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> is true; fails the test with <paramref name="because"/> otherwise.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not true within {timeout.TotalSeconds:0.#} s: {because}");
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Waits until the async <paramref name="condition"/> is true; fails with <paramref name="because"/> otherwise.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not true within {timeout.TotalSeconds:0.#} s: {because}");
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <paramref name="because"/> if it does not finish in time.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string because)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Did not finish within {timeout.TotalSeconds:0.#} s: {because}");
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <paramref name="because"/> if it does not finish in time.</summary>
    public static async Task WithinAsync(Task task, TimeSpan timeout, string because)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Did not finish within {timeout.TotalSeconds:0.#} s: {because}");
        }
    }
}
