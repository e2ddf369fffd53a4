using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// The scheduler's end of the control plane (DESIGN.md §3.3): accepts one stream per executor,
/// checks it (leader, secret, Hello first), answers Welcome, then relays commands out and
/// answers/progress in through the task's <see cref="ExecutorSession"/>. A standby refuses with
/// <see cref="StatusCode.Unavailable"/> and names the leader in a trailer.
/// </summary>
internal sealed partial class ControlPlaneService(
    ExecutorRegistry registry,
    ILeadership leadership,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    ILogger<ControlPlaneService> logger) : Proto.ControlPlane.V1.ControlPlane.ControlPlaneBase
{
    public const string LeaderTrailer = "sluice-leader-address";

    private readonly ControlPlaneOptions _options = options.Value;

    public override async Task Connect(IAsyncStreamReader<ExecutorMessage> requestStream, IServerStreamWriter<SchedulerMessage> responseStream, ServerCallContext context)
    {
        if (!leadership.IsLeader)
        {
            var trailers = new Metadata();
            if (leadership.LeaderControlPlaneAddress is { } leader)
            {
                trailers.Add(LeaderTrailer, leader);
            }
            throw new RpcException(new Status(StatusCode.Unavailable, "this scheduler is a standby"), trailers);
        }

        var cancellation = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellation) || requestStream.Current.BodyCase != ExecutorMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message on the stream must be Hello"));
        }
        var hello = requestStream.Current.Hello;
        if (string.IsNullOrWhiteSpace(hello.TaskId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello.task_id is empty"));
        }
        if (!SecretMatches(hello.AuthSecret))
        {
            LogRefused(hello.TaskId, context.Peer);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the control-plane secret does not match"));
        }

        var session = new ExecutorSession(hello, time);
        session.Welcome(new Welcome
        {
            LeaseTimeoutMs = (long)_options.LeaseTimeout.TotalMilliseconds,
            ProgressIntervalMs = (long)_options.ProgressInterval.TotalMilliseconds,
            PingIntervalMs = (long)_options.PingInterval.TotalMilliseconds,
            SchedulerId = _options.SchedulerId,
        });
        registry.Register(session);
        LogConnected(hello.TaskId, hello.Version, hello.Held.Count, context.Peer);

        using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var writer = WriteAsync(session, responseStream, stream.Token);
        var pinger = PingAsync(session, stream);
        try
        {
            while (await requestStream.MoveNext(stream.Token))
            {
                var message = requestStream.Current;
                if (message.BodyCase == ExecutorMessage.BodyOneofCase.Hello)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello may only be the first message"));
                }
                session.Receive(message);
            }
            LogDisconnected(session.TaskId, "stream closed by the executor");
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
            LogDisconnected(session.TaskId, ex.Message);
        }
        finally
        {
            registry.Unregister(session);
            await stream.CancelAsync();
            await Task.WhenAll(writer, pinger).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task WriteAsync(ExecutorSession session, IServerStreamWriter<SchedulerMessage> responses, CancellationToken cancellationToken)
    {
        await foreach (var message in session.Outbound.ReadAllAsync(cancellationToken))
        {
            await responses.WriteAsync(message, cancellationToken);
        }
    }

    private async Task PingAsync(ExecutorSession session, CancellationTokenSource stream)
    {
        while (!stream.IsCancellationRequested)
        {
            await Task.Delay(_options.PingInterval, time, stream.Token);
            if (!leadership.IsLeader)
            {
                // A deposed leader ends the stream; the executor reconnects, is redirected to the
                // new leader, and fences itself if that takes longer than its lease.
                LogNoLongerLeader(session.TaskId);
                await stream.CancelAsync();
                return;
            }
            session.Ping();
        }
    }

    private bool SecretMatches(string presented)
    {
        if (string.IsNullOrEmpty(_options.Secret))
        {
            return true;
        }
        // Hashes first: equal lengths, so the comparison's time says nothing about the secret's length either.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(_options.Secret)));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "[ControlPlane] task {TaskId} ({Version}) connected from {Peer}, holding {Held} partition(s)")]
    private partial void LogConnected(string taskId, string version, int held, string peer);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "[ControlPlane] task {TaskId} disconnected: {Reason}")]
    private partial void LogDisconnected(string taskId, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "[ControlPlane] refused a stream for task {TaskId} from {Peer}: wrong secret")]
    private partial void LogRefused(string taskId, string peer);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "[ControlPlane] no longer the leader: closing the stream of task {TaskId}")]
    private partial void LogNoLongerLeader(string taskId);
}
