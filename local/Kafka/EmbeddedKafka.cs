using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Sluice.Local.Kafka;

/// <summary>
/// An embedded Kafka: librdkafka's mock cluster, speaking the real Kafka wire protocol over TCP
/// on 127.0.0.1, with fault injection. Any Kafka client, in this process or another
/// (executors, kcat), reaches it through <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// What the mock is not (see DESIGN.md §7): it answers an empty Fetch only after the full
/// <c>fetch.wait.max.ms</c>, returns one producer batch per partition per Fetch, and its consumer
/// groups differ from a real broker's. Clients on it should set <c>fetch.wait.max.ms</c> to
/// 10–25 ms (<see cref="RecommendedFetchWaitMaxMs"/>). All members are thread-safe.
/// </remarks>
public sealed class EmbeddedKafka : IDisposable
{
    /// <summary>A <c>fetch.wait.max.ms</c> that keeps consumers on the mock responsive.</summary>
    public const int RecommendedFetchWaitMaxMs = 25;

    private readonly object _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    private EmbeddedKafka(IntPtr handle, IntPtr cluster, int brokers, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokers;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>host:port</c> list of the brokers, all on 127.0.0.1.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers listening on loopback.</summary>
    /// <exception cref="EmbeddedKafkaException">The native library could not be loaded or the cluster not started.</exception>
    public static EmbeddedKafka Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokers, 32);
        RdKafkaLibrary.EnsureLoaded();

        var errors = new byte[512];
        var conf = MockClusterNative.ConfNew();
        // The handle only hosts the mock cluster's threads; quiet unless something is wrong.
        SetOrThrow(conf, "log_level", "3", errors);
        SetOrThrow(conf, "client.id", "sluice-embedded-kafka", errors);
        var handle = MockClusterNative.New(MockClusterNative.ProducerType, conf, errors, (UIntPtr)errors.Length);
        if (handle == IntPtr.Zero)
        {
            MockClusterNative.ConfDestroy(conf);
            throw new EmbeddedKafkaException("librdkafka refused to create the handle that hosts the mock cluster: " + Text(errors));
        }

        var cluster = MockClusterNative.MockClusterNew(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.Destroy(handle);
            throw new EmbeddedKafkaException($"librdkafka could not start a mock cluster of {brokers} broker(s).");
        }

        var bootstrap = Marshal.PtrToStringUTF8(MockClusterNative.MockClusterBootstraps(cluster))
            ?? throw new EmbeddedKafkaException("The mock cluster reported no bootstrap address.");
        return new EmbeddedKafka(handle, cluster, brokers, bootstrap);
    }

    /// <summary>Creates a topic. Creating one that exists is an error.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Check(MockClusterNative.MockTopicCreate(Cluster, name, partitions, replicationFactor), $"create topic '{name}'");
    }

    /// <summary>Takes broker <paramref name="brokerId"/> down: its connections close and new ones are refused.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(MockClusterNative.MockBrokerSetDown(Cluster, ValidBroker(brokerId)), $"set broker {brokerId} down");

    /// <summary>Brings broker <paramref name="brokerId"/> back up.</summary>
    public void SetBrokerUp(int brokerId) =>
        Check(MockClusterNative.MockBrokerSetUp(Cluster, ValidBroker(brokerId)), $"set broker {brokerId} up");

    /// <summary>Adds a round-trip delay to every response of broker <paramref name="brokerId"/>.</summary>
    public void SetBrokerRoundTrip(int brokerId, TimeSpan delay) =>
        Check(MockClusterNative.MockBrokerSetRtt(Cluster, ValidBroker(brokerId), checked((int)delay.TotalMilliseconds)),
            $"set broker {brokerId} round trip");

    /// <summary>Moves the leadership of a partition to broker <paramref name="brokerId"/>.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(MockClusterNative.MockPartitionSetLeader(Cluster, topic, partition, ValidBroker(brokerId)),
            $"move leader of {topic}[{partition}] to broker {brokerId}");

    /// <summary>
    /// Makes the next requests of <paramref name="apiKey"/>, on any broker, fail with
    /// <paramref name="errors"/>, one error per request, in order.
    /// </summary>
    public void InjectRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }
        var codes = Array.ConvertAll(errors, e => (int)e);
        MockClusterNative.MockPushRequestErrorsArray(Cluster, (short)apiKey, (UIntPtr)codes.Length, codes);
    }

    /// <summary>Drops errors injected for <paramref name="apiKey"/> that have not been used yet.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) => MockClusterNative.MockClearRequestErrors(Cluster, (short)apiKey);

    /// <summary>
    /// Sets the broker-side session timeout and heartbeat interval of KIP-848 consumer groups
    /// (<c>group.protocol=consumer</c>: <c>group.consumer.session.timeout.ms</c> and
    /// <c>group.consumer.heartbeat.interval.ms</c>); members pick them up when they next heartbeat.
    /// Classic groups take theirs from each client's configuration.
    /// </summary>
    public void SetConsumerGroupTimeouts(TimeSpan sessionTimeout, TimeSpan heartbeatInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heartbeatInterval, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sessionTimeout, heartbeatInterval);
        var cluster = Cluster;
        MockClusterNative.MockSetGroupConsumerSessionTimeoutMs(cluster, checked((int)sessionTimeout.TotalMilliseconds));
        MockClusterNative.MockSetGroupConsumerHeartbeatIntervalMs(cluster, checked((int)heartbeatInterval.TotalMilliseconds));
    }

    /// <summary>Stops the brokers and frees the native cluster. Idempotent.</summary>
    public void Dispose()
    {
        IntPtr cluster, handle;
        lock (_gate)
        {
            cluster = _cluster;
            handle = _handle;
            _cluster = IntPtr.Zero;
            _handle = IntPtr.Zero;
        }
        if (cluster != IntPtr.Zero)
        {
            MockClusterNative.MockClusterDestroy(cluster);
        }
        if (handle != IntPtr.Zero)
        {
            MockClusterNative.Destroy(handle);
        }
    }

    private IntPtr Cluster
    {
        get
        {
            var cluster = Volatile.Read(ref _cluster);
            ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
            return cluster;
        }
    }

    private int ValidBroker(int brokerId)
    {
        if (brokerId < 1 || brokerId > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"Broker ids run from 1 to {BrokerCount}.");
        }
        return brokerId;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            var text = Marshal.PtrToStringUTF8(MockClusterNative.ErrorToString(error)) ?? "unknown error";
            throw new EmbeddedKafkaException($"Embedded Kafka could not {what}: {text} ({(ErrorCode)error}).");
        }
    }

    private static void SetOrThrow(IntPtr conf, string name, string value, byte[] errors)
    {
        if (MockClusterNative.ConfSet(conf, name, value, errors, (UIntPtr)errors.Length) != MockClusterNative.ConfOk)
        {
            MockClusterNative.ConfDestroy(conf);
            throw new EmbeddedKafkaException($"librdkafka rejected {name}={value}: {Text(errors)}");
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
