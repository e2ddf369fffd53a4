using Confluent.Kafka;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Sluice.Consumer.Ownership;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.ControlPlane;

/// <summary>
/// The executor's end of the control plane (DESIGN.md §3.3): one bidirectional gRPC stream to the
/// leading scheduler. It says Hello (with the partitions held), carries out Assign and Release
/// against the consumer core and answers them, reports Progress, reconnects with backoff, follows
/// a standby's redirect to the leader, and self-fences the consumer when the scheduler has been
/// silent for longer than the lease.
/// </summary>
/// <remarks>
/// Commands for one partition run in the order they arrive; commands for different partitions run
/// concurrently, so a slow release never holds up an assignment elsewhere. <see cref="RunAsync"/>
/// owns every thread it uses; <see cref="StopRequested"/> completes on a thread-pool thread.
/// </remarks>
internal sealed partial class SchedulerLink
{
    private readonly IPartitionOwner _owner;
    private readonly TimeProvider _time;
    private readonly ILogger<SchedulerLink> _logger;
    private readonly SchedulerLinkOptions _options;
    private readonly TaskCompletionSource<string> _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PartitionCommandQueue _commands = new();
    private readonly SemaphoreSlim _fenceGate = new(1, 1);
    private string _address;
    private TimeSpan _leaseTimeout;
    private TimeSpan _progressInterval;
    private long _lastHeard;
    private volatile bool _fenced;
    private int _fences; // fences started; a stream opened before the latest one is stale
    private volatile bool _connected;

    public SchedulerLink(SchedulerLinkOptions options, IPartitionOwner owner, TimeProvider time, ILogger<SchedulerLink> logger)
    {
        _options = options;
        _owner = owner;
        _time = time;
        _logger = logger;
        _address = options.Address;
        _leaseTimeout = options.LeaseTimeout;
        _progressInterval = options.ProgressInterval;
        _lastHeard = time.GetTimestamp();
    }

    /// <summary>Completes with the reason when the scheduler sends Stop.</summary>
    public Task<string> StopRequested => _stopRequested.Task;

    /// <summary>True while a stream is up and welcomed.</summary>
    public bool IsConnected => _connected;

    /// <summary>True from a lease expiry until a new stream is welcomed (the scheduler then gives back or releases each fenced partition).</summary>
    public bool IsFenced => _fenced;

    /// <summary>The control-plane address in use (changes when a standby redirects to the leader).</summary>
    public string Address => Volatile.Read(ref _address);

    /// <summary>Keeps the link up until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lease = WatchLeaseAsync(stop.Token);
        var attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var welcomed = false;
                try
                {
                    await RunSessionAsync(() => welcomed = true, cancellationToken);
                    LogStreamEnded(Address);
                }
                catch (RpcException ex) when (LeaderRedirect.AddressFrom(ex) is { } leader && !cancellationToken.IsCancellationRequested)
                {
                    LogRedirected(Address, leader);
                    Volatile.Write(ref _address, leader);
                    attempt = 0;
                    continue;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested && TakeAbortedByHint())
                {
                    LogFollowingHint(Address);
                    attempt = 0;
                    continue;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogStreamFailed(Address, ex.Message);
                }
                catch (Exception)
                {
                    // The link is stopping: whatever the stream says now (a cancelled call, or a reset because the
                    // scheduler went away at the same moment) ends it quietly.
                    break;
                }
                finally
                {
                    _connected = false;
                }

                attempt = welcomed ? 1 : attempt + 1;
                var delay = Backoff(attempt);
                LogReconnecting(Address, delay.TotalMilliseconds);
                await WaitBeforeReconnectAsync(delay, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync();
            await lease.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunSessionAsync(Action welcomed, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var attempt = BeginAttempt(session);
        using var channel = GrpcChannel.ForAddress(SchedulerLinkOptions.ToUri(Address), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            },
        });
        var client = new Sluice.Proto.ControlPlane.V1.ControlPlane.ControlPlaneClient(channel);
        using var call = client.Connect(cancellationToken: session.Token);
        var writer = new StreamWriterGate(call.RequestStream);

        var hello = new Hello
        {
            TaskId = _options.TaskId,
            Consumer = _options.Consumer,
            Version = _options.Version,
            ExecutorId = _options.ExecutorId,
            AuthSecret = _options.AuthSecret,
        };
        // After a fence, Hello waits for its last commit and names the partitions fenced, so the scheduler
        // reconciles them from what Kafka holds.
        int fences;
        await _fenceGate.WaitAsync(session.Token);
        try
        {
            fences = _fences;
            hello.Held.AddRange(_owner.GetProgress().Select(p => p.ToHeld()));
        }
        finally
        {
            _fenceGate.Release();
        }
        await writer.WriteAsync(new ExecutorMessage { Hello = hello }, session.Token);

        if (!await call.ResponseStream.MoveNext(session.Token))
        {
            throw new InvalidOperationException("the scheduler closed the stream before its Welcome");
        }
        var first = call.ResponseStream.Current;
        if (first.BodyCase != SchedulerMessage.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException($"the scheduler's first message was {first.BodyCase}, not Welcome");
        }
        ApplyWelcome(first.Welcome);
        Heard(fences);
        if (_fenced)
        {
            _fenced = false;
            LogUnfenced();
        }
        _connected = true;
        welcomed();
        LogConnected(Address, first.Welcome.SchedulerId, _leaseTimeout.TotalMilliseconds);

        var progress = SendProgressAsync(writer, session.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(session.Token))
            {
                Heard(fences);
                Dispatch(call.ResponseStream.Current, writer, session.Token);
            }
        }
        finally
        {
            await session.CancelAsync();
            await progress.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void ApplyWelcome(Welcome welcome)
    {
        if (welcome.LeaseTimeoutMs > 0)
        {
            _leaseTimeout = TimeSpan.FromMilliseconds(welcome.LeaseTimeoutMs);
        }
        if (welcome.ProgressIntervalMs > 0)
        {
            _progressInterval = TimeSpan.FromMilliseconds(welcome.ProgressIntervalMs);
        }
    }

    private void Dispatch(SchedulerMessage message, StreamWriterGate writer, CancellationToken cancellationToken)
    {
        switch (message.BodyCase)
        {
            case SchedulerMessage.BodyOneofCase.Assign:
                var assign = message.Assign;
                _commands.Enqueue(new TopicPartition(assign.Topic, assign.Partition),
                    () => AssignAsync(assign, writer, cancellationToken));
                break;
            case SchedulerMessage.BodyOneofCase.Release:
                var release = message.Release;
                _commands.Enqueue(new TopicPartition(release.Topic, release.Partition),
                    () => ReleaseAsync(release, writer, cancellationToken));
                break;
            case SchedulerMessage.BodyOneofCase.Stop:
                LogStopRequested(message.Stop.Reason);
                _stopRequested.TrySetResult(message.Stop.Reason);
                break;
            case SchedulerMessage.BodyOneofCase.Ping:
            case SchedulerMessage.BodyOneofCase.Welcome:
                break;
            default:
                LogUnknownMessage(message.BodyCase.ToString());
                break;
        }
    }

    private async Task AssignAsync(Assign assign, StreamWriterGate writer, CancellationToken cancellationToken)
    {
        var partition = new TopicPartition(assign.Topic, assign.Partition);
        ExecutorMessage answer;
        if (assign.StartOffset < 0)
        {
            // The scheduler resolves where a partition starts; an unknown offset is its error, not a guess here.
            await writer.WriteAsync(Rejected(CommandKind.Assign, assign.Topic, assign.Partition, assign.Epoch, -1,
                $"start offset {assign.StartOffset} is not an offset"), cancellationToken);
            return;
        }
        try
        {
            var result = await _owner.AssignAsync(partition, assign.StartOffset, assign.Epoch, cancellationToken);
            LogAssign(assign.Topic, assign.Partition, assign.Epoch, assign.StartOffset, result.Outcome.ToString());
            answer = result.Outcome == AssignOutcome.StaleEpoch
                ? Rejected(CommandKind.Assign, assign.Topic, assign.Partition, assign.Epoch, result.HeldEpoch, "stale epoch")
                : new ExecutorMessage
                {
                    Assigned = new Assigned { Topic = assign.Topic, Partition = assign.Partition, Epoch = assign.Epoch, StartOffset = assign.StartOffset },
                };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCommandFailed("Assign", assign.Topic, assign.Partition, ex.Message);
            answer = Rejected(CommandKind.Assign, assign.Topic, assign.Partition, assign.Epoch, -1, ex.Message);
        }
        await writer.WriteAsync(answer, cancellationToken);
    }

    private async Task ReleaseAsync(Release release, StreamWriterGate writer, CancellationToken cancellationToken)
    {
        var partition = new TopicPartition(release.Topic, release.Partition);
        ExecutorMessage answer;
        try
        {
            var timeout = release.TimeoutMs > 0 ? TimeSpan.FromMilliseconds(release.TimeoutMs) : TimeSpan.FromSeconds(30);
            var result = await _owner.ReleaseAsync(partition, release.Epoch, timeout, cancellationToken);
            LogRelease(release.Topic, release.Partition, release.Epoch, result.NextOffset, result.Outcome.ToString(), result.Duration.TotalMilliseconds);
            answer = result.Outcome switch
            {
                ReleaseOutcome.StaleEpoch => Rejected(CommandKind.Release, release.Topic, release.Partition, release.Epoch, -1, "stale epoch"),
                ReleaseOutcome.NotOwned => Rejected(CommandKind.Release, release.Topic, release.Partition, release.Epoch, -1, "not owned by this task"),
                _ => new ExecutorMessage
                {
                    Released = new Released
                    {
                        Topic = release.Topic,
                        Partition = release.Partition,
                        Epoch = release.Epoch,
                        NextOffset = result.NextOffset,
                        Clean = result.Outcome == ReleaseOutcome.Released && !result.Failed,
                    },
                },
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCommandFailed("Release", release.Topic, release.Partition, ex.Message);
            answer = Rejected(CommandKind.Release, release.Topic, release.Partition, release.Epoch, -1, ex.Message);
        }
        await writer.WriteAsync(answer, cancellationToken);
    }

    private static ExecutorMessage Rejected(CommandKind kind, string topic, int partition, long epoch, long held, string reason) => new()
    {
        CommandRejected = new CommandRejected
        {
            Command = kind,
            Topic = topic,
            Partition = partition,
            Epoch = epoch,
            HeldEpoch = held,
            Reason = reason,
        },
    };

    private async Task SendProgressAsync(StreamWriterGate writer, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var progress = new Progress { SampledAtUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds() };
            progress.Partitions.AddRange(_owner.GetProgress().Select(p => p.ToProto()));
            await writer.WriteAsync(new ExecutorMessage { Progress = progress }, cancellationToken);
            await Task.Delay(_progressInterval, _time, cancellationToken);
        }
    }

    private void Heard(int fencesAtHello)
    {
        if (Volatile.Read(ref _fences) != fencesAtHello)
        {
            // The lease ran out while this stream was open (stalled): only a new Hello lets the scheduler
            // reconcile what was fenced, so nothing more is taken from this one.
            throw new InvalidOperationException("the lease ran out on this stream");
        }
        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
    }

    /// <summary>Self-fencing: pauses everything when the scheduler has been silent for longer than the lease.</summary>
    private async Task WatchLeaseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var check = TimeSpan.FromMilliseconds(Math.Clamp(_leaseTimeout.TotalMilliseconds / 5, 10, 1_000));
            await Task.Delay(check, _time, cancellationToken);
            var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastHeard));
            if (!_fenced && silent > _leaseTimeout)
            {
                LogLeaseExpired(silent.TotalMilliseconds, _leaseTimeout.TotalMilliseconds);
                await FenceAsync(cancellationToken);
            }
        }
    }

    private async Task FenceAsync(CancellationToken cancellationToken)
    {
        await _fenceGate.WaitAsync(cancellationToken);
        try
        {
            _fenced = true;
            Interlocked.Increment(ref _fences);
            var fence = await _owner.FenceAsync(FenceDrainTimeout(_leaseTimeout), cancellationToken);
            LogFenced(fence.Partitions, fence.Drained, fence.Committed, fence.Duration.TotalMilliseconds);
        }
        finally
        {
            _fenceGate.Release();
        }
    }

    /// <summary>
    /// How long in-flight messages get at a fence: a quarter of the lease, at most 2 s, so the last commit lands
    /// well before the scheduler's lease-plus-margin (at least 5 s) runs out and it moves the partitions.
    /// </summary>
    internal static TimeSpan FenceDrainTimeout(TimeSpan lease) => lease / 4 < TimeSpan.FromSeconds(2) ? lease / 4 : TimeSpan.FromSeconds(2);

    private TimeSpan Backoff(int attempt)
    {
        var min = _options.ReconnectBackoffMin.TotalMilliseconds;
        var max = _options.ReconnectBackoffMax.TotalMilliseconds;
        var exponential = Math.Min(max, min * Math.Pow(2, Math.Min(attempt - 1, 20)));
        // Full jitter on the upper half: spreads reconnects of many executors after a failover.
        return TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
    }

    /// <summary>gRPC allows one write at a time on a stream; progress and answers share it.</summary>
    private sealed class StreamWriterGate(IClientStreamWriter<ExecutorMessage> stream)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task WriteAsync(ExecutorMessage message, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await stream.WriteAsync(message, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
