using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.State;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Leadership;

/// <summary>
/// ZooKeeper leader election among scheduler instances (DESIGN.md §4): each contender creates an ephemeral
/// sequential node under <c>/sluice/&lt;framework&gt;/leader</c> holding its <see cref="LeaderInfo"/>; the lowest
/// sequence leads; every other contender watches only its predecessor (no herd when the leader goes).
/// </summary>
/// <remarks>
/// <para>Commanding: <see cref="CanCommand"/> and <see cref="CommandToken"/> hold only while this contender leads
/// and its session is connected. On disconnect it is <see cref="LeadershipState.Suspended"/> (the token is
/// cancelled) until reconnected; on session expiry it is <see cref="LeadershipState.Lost"/> at once.</para>
/// <para>Fencing: as <see cref="IFencingTokenSource"/> it hands the state store its election node path and
/// version, which every state write checks in the same multi; once the node is gone, a deposed leader's writes
/// fail.</para>
/// <para><see cref="StateChanged"/> is raised in order on a thread-pool thread; handlers must not block, and
/// exceptions they throw are logged and swallowed.</para>
/// </remarks>
internal sealed partial class LeaderElection : ILeadership, IFencingTokenSource
{
    private const string NodePrefix = "c_";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly IZooKeeperClient _client;
    private readonly LeaderInfo _self;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<LeadershipState> _changes = Channel.CreateUnbounded<LeadershipState>(new UnboundedChannelOptions { SingleReader = true });
    private LeadershipState _state = LeadershipState.Idle;
    private FencingToken? _token;
    private CancellationTokenSource _command = CanceledSource();
    private TaskCompletionSource _changed = NewSignal();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public LeaderElection(IZooKeeperClient client, string framework, LeaderInfo self, ILogger<LeaderElection> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        StateKey.CheckName(self.CandidateId, nameof(self)); // it becomes part of the node name
        _client = client;
        _self = self;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        ElectionPath = ZooKeeperLayout.Leader(framework);
        _ = DispatchChangesAsync();
    }

    /// <summary><c>/sluice/&lt;framework&gt;/leader</c>.</summary>
    public string ElectionPath { get; }

    /// <summary>This contender's election node, once created.</summary>
    public string? NodePath { get; private set; }

    public LeadershipState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>
    /// The election node's sequence number + 1 (1 before the node exists). The leader is always the lowest node, and
    /// every node that could lead next was created after it, so each later leader has a greater term — as long as
    /// the election parent (whose child counter numbers the nodes) is never deleted.
    /// </summary>
    public long Term => NodePath is { Length: > 10 } path && long.TryParse(path[^10..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
        ? sequence + 1
        : 1;

    /// <summary>True while this contender's node is the lowest (leading, or suspended while disconnected).</summary>
    public bool IsLeader => State is LeadershipState.Leader or LeadershipState.Suspended;

    /// <summary>True while leading with a connected session (checked against the client's live state).</summary>
    public bool CanCommand => State == LeadershipState.Leader && _client.State == ZooKeeperState.Connected;

    /// <summary>Cancelled when the current command term ends (suspension, loss, resignation); already cancelled when not leading.</summary>
    public CancellationToken CommandToken
    {
        get
        {
            lock (_gate) return _command.Token;
        }
    }

    /// <inheritdoc/>
    public FencingToken? CurrentToken
    {
        get
        {
            lock (_gate) return _state == LeadershipState.Leader && _client.State == ZooKeeperState.Connected ? _token : null;
        }
    }

    /// <summary>Raised on every state change, in order, on a thread-pool thread.</summary>
    public event EventHandler<LeadershipState>? StateChanged;

    /// <summary>Joins the election: creates the node and starts contending in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != LeadershipState.Idle) throw new InvalidOperationException($"The election was already started ({_state}).");
        }

        _client.StateChanged += OnSessionStateChanged;
        await _client.EnsurePathAsync(ElectionPath, cancellationToken).ConfigureAwait(false);
        NodePath = await CreateNodeAsync(cancellationToken).ConfigureAwait(false);
        Transition(LeadershipState.Standby, null);
        LogJoined(_logger, NodePath, _self.RestAddress, _self.GrpcAddress);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Completes when this contender leads (and can command); faults when leadership became impossible.</summary>
    public async Task WhenLeaderAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_state == LeadershipState.Leader) return;
                if (_state is LeadershipState.Lost or LeadershipState.Resigned) throw new InvalidOperationException($"This contender can no longer lead ({_state}).");
                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The current leader's published info (the lowest node's data), or null when no contender is up.</summary>
    public async Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var children = await _client.GetChildrenAsync(ElectionPath, cancellationToken).ConfigureAwait(false);
            var lowest = Candidates(children.Names).FirstOrDefault();
            if (lowest is null) return null;
            try
            {
                var node = await _client.GetAsync($"{ElectionPath}/{lowest}", cancellationToken).ConfigureAwait(false);
                return JsonSerializer.Deserialize(node.Data, LeadershipJsonContext.Default.LeaderInfo);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                // the leader just went: look again
            }
        }

        return null;
    }

    /// <summary>Resigns: stops contending and deletes the election node (if the session still lives), letting the next contender lead.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _client.StateChanged -= OnSessionStateChanged;
        var final = State is LeadershipState.Lost ? LeadershipState.Lost : LeadershipState.Resigned;
        Transition(final, null);
        if (NodePath is not null && _client.State == ZooKeeperState.Connected)
        {
            try
            {
                await _client.DeleteAsync(NodePath, ZooKeeperVersion.Any).ConfigureAwait(false);
            }
            catch (ZooKeeperException e)
            {
                LogResignDeleteFailed(_logger, NodePath, e.Code);
            }
        }

        _changes.Writer.TryComplete();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var mine = NodePath![(ElectionPath.Length + 1)..];
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var children = await _client.GetChildrenAsync(ElectionPath, stopping).ConfigureAwait(false);
                var candidates = Candidates(children.Names);
                var index = candidates.IndexOf(mine);
                if (index < 0)
                {
                    Lose("its election node is gone");
                    return;
                }

                if (index == 0)
                {
                    // Watch our own node too: its deletion (by an operator, or the session's end) ends the leadership.
                    var own = await _client.GetAndWatchAsync(NodePath, stopping).ConfigureAwait(false);
                    Transition(_client.State == ZooKeeperState.Connected ? LeadershipState.Leader : LeadershipState.Suspended,
                        new FencingToken(NodePath, own.Value.Stat.Version));
                    await own.Changed.WaitAsync(stopping).ConfigureAwait(false);
                    continue;
                }

                var predecessor = $"{ElectionPath}/{candidates[index - 1]}";
                Transition(LeadershipState.Standby, null);
                Watched<ZNodeData> watched;
                try
                {
                    watched = await _client.GetAndWatchAsync(predecessor, stopping).ConfigureAwait(false);
                }
                catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
                {
                    continue; // it went between the listing and the read
                }

                LogWatchingPredecessor(_logger, NodePath, predecessor);
                await watched.Changed.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.AuthFailed or ZooKeeperErrorCode.Closing)
            {
                Lose($"its session ended ({e.Code})");
                return;
            }
            catch (ObjectDisposedException)
            {
                Lose("its ZooKeeper client was disposed");
                return;
            }
            catch (ZooKeeperException e) when (e.IsTransient)
            {
                LogTransient(_logger, e.Code);
                await Task.Delay(RetryDelay, _time, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> CreateNodeAsync(CancellationToken cancellationToken)
    {
        var prefix = $"{ElectionPath}/{NodePrefix}{_self.CandidateId}_";
        var data = JsonSerializer.SerializeToUtf8Bytes(_self, LeadershipJsonContext.Default.LeaderInfo);
        while (true)
        {
            try
            {
                return await _client.CreateAsync(prefix, data, CreateMode.EphemeralSequential, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.IsTransient)
            {
                // The create may have been applied without us hearing it: look for our candidate id before retrying.
                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
                try
                {
                    var children = await _client.GetChildrenAsync(ElectionPath, cancellationToken).ConfigureAwait(false);
                    var ours = children.Names.FirstOrDefault(n => n.StartsWith($"{NodePrefix}{_self.CandidateId}_", StringComparison.Ordinal));
                    if (ours is not null) return $"{ElectionPath}/{ours}";
                }
                catch (ZooKeeperException retry) when (retry.IsTransient)
                {
                    // still disconnected: try again
                }
            }
        }
    }

    private void OnSessionStateChanged(object? sender, ZooKeeperState state)
    {
        switch (state)
        {
            case ZooKeeperState.Disconnected or ZooKeeperState.Connecting:
                lock (_gate)
                {
                    if (_state == LeadershipState.Leader) TransitionLocked(LeadershipState.Suspended, _token);
                }

                break;
            case ZooKeeperState.Connected:
                lock (_gate)
                {
                    // Same session, so the node (and with it the leadership) is intact.
                    if (_state == LeadershipState.Suspended) TransitionLocked(LeadershipState.Leader, _token);
                }

                break;
            case ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed:
                Lose($"its session is {state}");
                break;
        }
    }

    private void Lose(string reason)
    {
        lock (_gate)
        {
            if (_state is LeadershipState.Lost or LeadershipState.Resigned) return;
            TransitionLocked(LeadershipState.Lost, null);
        }

        LogLost(_logger, NodePath, reason);
    }

    private void Transition(LeadershipState next, FencingToken? token)
    {
        lock (_gate)
        {
            if (_state is LeadershipState.Lost or LeadershipState.Resigned) return;
            TransitionLocked(next, token);
        }
    }

    private void TransitionLocked(LeadershipState next, FencingToken? token)
    {
        _token = token;
        if (next == _state) return;
        var previous = _state;
        _state = next;
        if (next == LeadershipState.Leader)
        {
            _command = new CancellationTokenSource();
        }
        else if (previous == LeadershipState.Leader)
        {
            _command.Cancel();
        }

        _changes.Writer.TryWrite(next);
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private async Task DispatchChangesAsync()
    {
        await Task.Yield();
        await foreach (var state in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            LogStateChanged(_logger, NodePath, state);
            try
            {
                StateChanged?.Invoke(this, state);
            }
            catch (Exception e)
            {
                LogHandlerFailed(_logger, state, e);
            }
        }
    }

    /// <summary>Contender node names ordered by their 10-digit sequence suffix.</summary>
    private static List<string> Candidates(IEnumerable<string> names) =>
        names.Where(n => n.StartsWith(NodePrefix, StringComparison.Ordinal) && n.Length > 10)
            .OrderBy(n => n[^10..], StringComparer.Ordinal)
            .ToList();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationTokenSource CanceledSource()
    {
        var source = new CancellationTokenSource();
        source.Cancel();
        return source;
    }
}
