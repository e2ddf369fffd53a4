using System.Diagnostics;

namespace Sluice.Bench.Harness;

/// <summary>
/// An awaitable delay that lasts what it says. On this kind of machine <c>Task.Delay(5)</c> takes
/// about 8.4 ms (the runtime's timer thread wakes on a coarse tick) while <c>Thread.Sleep(5)</c>
/// takes 5.1 ms, so a benchmark whose handler "awaits 5 ms" would measure the timer, not the
/// consumer. One thread keeps the pending deadlines in a heap and sleeps in 1 ms steps
/// (nanosleep) while any is pending; completions run on the thread pool.
/// </summary>
internal sealed class PreciseDelay
{
    public static PreciseDelay Shared { get; } = new();

    private readonly PriorityQueue<TaskCompletionSource, long> _pending = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);

    private PreciseDelay()
    {
        new Thread(Run) { IsBackground = true, Name = "precise-delay" }.Start();
    }

    public Task WaitAsync(TimeSpan delay)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            _pending.Enqueue(done, due);
        }
        _wake.Release();
        return done.Task;
    }

    private void Run()
    {
        var due = new List<TaskCompletionSource>();
        while (true)
        {
            bool empty;
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                while (_pending.TryPeek(out var next, out var at) && at <= now)
                {
                    _pending.Dequeue();
                    due.Add(next);
                }
                empty = _pending.Count == 0;
            }
            foreach (var d in due)
            {
                d.TrySetResult();
            }
            due.Clear();
            if (empty)
            {
                _wake.Wait();
            }
            else
            {
                Thread.Sleep(1);
            }
        }
    }
}
