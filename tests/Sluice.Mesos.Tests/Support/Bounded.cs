namespace Sluice.Mesos.Tests.Support;

/// <summary>Bounded waits: every wait in these tests has a deadline and says what it waited for.</summary>
internal static class Bounded
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> WithinAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    public static Task<T> WithinAsync<T>(ValueTask<T> task, string what, TimeSpan? timeout = null) =>
        WithinAsync(task.AsTask(), what, timeout);

    /// <summary>A token that cancels after <paramref name="timeout"/>, for loops that must end.</summary>
    public static CancellationToken Deadline(TimeSpan? timeout = null) =>
        new CancellationTokenSource(timeout ?? DefaultTimeout).Token;
}
