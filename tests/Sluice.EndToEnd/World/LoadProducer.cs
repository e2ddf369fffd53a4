using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Sluice.EndToEnd.World;

/// <summary>
/// Continuous load on a topic: a steady rate spread over every partition, remembering every record Kafka
/// acknowledged (partition, offset), so a test can check each was processed. With <c>poisonEvery</c> = n,
/// every n-th record's value starts with <see cref="PoisonPrefix"/> and is remembered apart, in <see cref="Poison"/>.
/// </summary>
internal sealed class LoadProducer : IAsyncDisposable
{
    private readonly string _bootstrap;
    private IProducer<string, string> _producer;
    public const string PoisonPrefix = "poison-";

    private readonly ConcurrentBag<(int Partition, long Offset)> _delivered = [];
    private readonly ConcurrentBag<(int Partition, long Offset)> _poison = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _failed;
    private bool _paused;

    public LoadProducer(string bootstrap, string topic, int partitions, int recordsPerSecond, int poisonEvery = 0)
    {
        _bootstrap = bootstrap;
        _producer = NewProducer(bootstrap);
        _run = Task.Run(() => Run(topic, partitions, recordsPerSecond, poisonEvery, _stop.Token));
    }

    /// <summary>Every healthy record Kafka acknowledged.</summary>
    public IReadOnlyCollection<(int Partition, long Offset)> Delivered => _delivered;

    /// <summary>Every poison record Kafka acknowledged.</summary>
    public IReadOnlyCollection<(int Partition, long Offset)> Poison => _poison;

    public int Count => _delivered.Count + _poison.Count;

    private void Run(string topic, int partitions, int rate, int poisonEvery, CancellationToken stop)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        long skipped = 0;
        while (!stop.IsCancellationRequested)
        {
            // Pace by elapsed time: whatever the scheduling hiccups, the rate holds on average. A pause skips its share.
            var due = (long)(started.Elapsed.TotalSeconds * rate) - skipped;
            if (Volatile.Read(ref _paused))
            {
                skipped += Math.Max(0, due - sent);
                stop.WaitHandle.WaitOne(5);
                continue;
            }
            for (; sent < due; sent++)
            {
                var partition = (int)(sent % partitions);
                var poison = poisonEvery > 0 && sent % poisonEvery == poisonEvery - 1;
                var into = poison ? _poison : _delivered;
                var value = poison ? $"{PoisonPrefix}v{sent}" : $"v{sent}";
                _producer.Produce(new TopicPartition(topic, partition), new Message<string, string> { Key = $"k{sent % 97}", Value = value }, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref _failed);
                    }
                    else
                    {
                        into.Add((report.Partition.Value, report.Offset.Value));
                    }
                });
            }
            stop.WaitHandle.WaitOne(5); // paces the loop; not a wait for an outcome
        }
    }

    private static IProducer<string, string> NewProducer(string bootstrap) =>
        new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, EnableIdempotence = true }).Build();

    /// <summary>
    /// Stops producing for a while and waits until what was sent is acknowledged. Around a broker outage on the
    /// embedded mock cluster: a producer that lived through the outage there never delivers to the broker again
    /// (seen here; a fresh one does), so broker faults pause the load and <see cref="Resume"/> with a new producer.
    /// </summary>
    public void Pause(TimeSpan flushTimeout)
    {
        Volatile.Write(ref _paused, true);
        var left = _producer.Flush(flushTimeout);
        if (left != 0)
        {
            throw new InvalidOperationException($"{left} record(s) still undelivered after {flushTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Produces again after <see cref="Pause"/>, with a new producer when <paramref name="newProducer"/>.</summary>
    public void Resume(bool newProducer = false)
    {
        if (newProducer)
        {
            var old = _producer;
            _producer = NewProducer(_bootstrap);
            old.Dispose();
        }
        Volatile.Write(ref _paused, false);
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
