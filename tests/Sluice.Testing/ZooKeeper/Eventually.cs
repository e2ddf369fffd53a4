using System.Diagnostics;

namespace Sluice.Testing.ZooKeeper;

/// <summary>Bounded waits for tests: poll a condition until it holds or a timeout passes (never a fixed sleep).</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until true; throws <see cref="TimeoutException"/> naming <paramref name="what"/> otherwise.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    /// <inheritdoc cref="TrueAsync(Func{bool}, TimeSpan, string)"/>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
        }
    }

    /// <inheritdoc cref="WithinAsync{T}(Task{T}, TimeSpan, string)"/>
    public static async Task WithinAsync(Task task, TimeSpan timeout, string what)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
        }
    }
}
