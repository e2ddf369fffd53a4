using System.Diagnostics;
using Confluent.Kafka;

namespace Sluice.Bench.Harness;

/// <summary>
/// Produces at a steady rate until stopped: record i to partition i mod partitions, so every
/// partition receives records evenly and is never empty for long. Reports each acknowledged
/// record (partition, offset) through a callback.
/// </summary>
/// <remarks>
/// One dedicated thread produces in 1 ms steps (the number due at the rate minus the number
/// sent); <c>onDelivered</c> runs on librdkafka's delivery-report thread and must be quick.
/// </remarks>
internal sealed class SteadyProducer : IDisposable
{
    /// <summary>
    /// The producer's linger: the mock returns one producer batch per partition per Fetch, so
    /// batches of a few records (not one) let a consumer catch up a backlog after a pause.
    /// </summary>
    public const int LingerMs = 20;

    private readonly IProducer<Null, byte[]> _producer;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly double _ratePerSecond;
    private readonly Action<int, long> _onDelivered;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private volatile bool _stopping;
    private long _sent;
    private long _failed;

    private SteadyProducer(string bootstrap, string topic, int partitions, double ratePerSecond, Action<int, long> onDelivered)
    {
        _topic = topic;
        _partitions = partitions;
        _ratePerSecond = ratePerSecond;
        _onDelivered = onDelivered;
        _producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = LingerMs,
            Acks = Acks.Leader,
            QueueBufferingMaxMessages = 1_000_000,
        }).Build();
    }

    /// <summary>Starts producing <paramref name="ratePerSecond"/> records of <paramref name="valueBytes"/> bytes a second.</summary>
    public static SteadyProducer Start(string bootstrap, string topic, int partitions, double ratePerSecond, int valueBytes, Action<int, long> onDelivered)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        var producer = new SteadyProducer(bootstrap, topic, partitions, ratePerSecond, onDelivered);
        producer._thread = new Thread(() => producer.Run(new byte[valueBytes])) { IsBackground = true, Name = "steady-producer" };
        producer._thread.Start();
        return producer;
    }

    /// <summary>Records handed to the client so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Stops producing and waits until every record sent is acknowledged.</summary>
    /// <exception cref="InvalidOperationException">A record failed, or was still undelivered after the flush.</exception>
    public async Task StopAsync(TimeSpan flushTimeout)
    {
        _stopping = true;
        await _stopped.Task;
        var undelivered = await Task.Run(() => _producer.Flush(flushTimeout));
        var failed = Interlocked.Read(ref _failed);
        if (undelivered > 0 || failed > 0)
        {
            throw new InvalidOperationException($"The steady producer lost {failed} record(s) and {undelivered} were still undelivered after {flushTimeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread?.Join();
        _producer.Dispose();
    }

    private void Run(byte[] value)
    {
        try
        {
            var message = new Message<Null, byte[]> { Value = value };
            Action<DeliveryReport<Null, byte[]>> onDelivery = report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref _failed);
                }
                else
                {
                    _onDelivered(report.Partition.Value, report.Offset.Value);
                }
            };
            var clock = Stopwatch.StartNew();
            var sent = 0L;
            while (!_stopping)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * _ratePerSecond);
                while (sent < due && !_stopping)
                {
                    try
                    {
                        _producer.Produce(new TopicPartition(_topic, (int)(sent % _partitions)), message, onDelivery);
                        sent++;
                        Interlocked.Exchange(ref _sent, sent);
                    }
                    catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        _producer.Poll(TimeSpan.FromMilliseconds(1));
                    }
                }
                Thread.Sleep(1);
            }
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
    }
}
