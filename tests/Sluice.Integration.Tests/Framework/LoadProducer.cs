using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Sluice.Integration.Tests.Framework;

/// <summary>
/// Continuous load on a topic: a steady rate spread over every partition, remembering every record Kafka
/// acknowledged (partition, offset), so a test can check each was processed.
/// </summary>
internal sealed class LoadProducer : IAsyncDisposable
{
    private readonly IProducer<string, string> _producer;
    private readonly ConcurrentBag<(int Partition, long Offset)> _delivered = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _failed;

    public LoadProducer(string bootstrap, string topic, int partitions, int recordsPerSecond)
    {
        _producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, EnableIdempotence = true }).Build();
        _run = Task.Run(() => Run(topic, partitions, recordsPerSecond, _stop.Token));
    }

    public IReadOnlyCollection<(int Partition, long Offset)> Delivered => _delivered;

    public int Count => _delivered.Count;

    private void Run(string topic, int partitions, int rate, CancellationToken stop)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            // Pace by elapsed time: whatever the scheduling hiccups, the rate holds on average.
            var due = (long)(started.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                var partition = (int)(sent % partitions);
                _producer.Produce(new TopicPartition(topic, partition), new Message<string, string> { Key = $"k{sent % 97}", Value = $"v{sent}" }, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref _failed);
                    }
                    else
                    {
                        _delivered.Add((report.Partition.Value, report.Offset.Value));
                    }
                });
            }
            stop.WaitHandle.WaitOne(5); // paces the loop; not a wait for an outcome
        }
    }

    /// <summary>Stops producing and flushes; throws when Kafka refused any record.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        var left = _producer.Flush(TimeSpan.FromSeconds(30));
        if (left != 0 || _failed != 0)
        {
            throw new InvalidOperationException($"{left} record(s) not delivered, {_failed} refused by Kafka");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _producer.Dispose();
        _stop.Dispose();
    }
}
