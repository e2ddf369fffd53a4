using Microsoft.Extensions.Logging;
using Sluice.Scheduler.State.Model;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.State;

/// <summary>
/// The production <see cref="IStateStore"/>: one znode per record under <c>/sluice/&lt;framework&gt;/</c>
/// (<c>framework-id</c>, <c>consumers/&lt;name&gt;</c>, <c>consumers/&lt;name&gt;/ownership</c>,
/// <c>deployments/&lt;id&gt;</c>), the znode version as the record version. Every write is one multi that first
/// checks the leader's <see cref="FencingToken"/>, then creates, sets (at the expected version) or deletes: two
/// leaders can never both win, and a deposed leader's write fails with <see cref="StateFencedException"/>.
/// </summary>
/// <remarks>A record is one znode, so it must stay under ZooKeeper's 1 MB node limit (jute.maxbuffer).</remarks>
internal sealed partial class ZooKeeperStateStore : DocumentStateStore
{
    private readonly IZooKeeperClient _client;
    private readonly IFencingTokenSource _fence;
    private readonly ILogger _logger;

    public ZooKeeperStateStore(IZooKeeperClient client, string framework, IFencingTokenSource fence, ILogger<ZooKeeperStateStore> logger)
    {
        _client = client;
        _fence = fence;
        _logger = logger;
        Root = ZooKeeperLayout.FrameworkRoot(framework);
    }

    /// <summary><c>/sluice/&lt;framework&gt;</c>.</summary>
    public string Root { get; }

    /// <summary>Creates the parent nodes (<c>consumers</c>, <c>deployments</c>) if missing. Idempotent, unfenced (they hold nothing).</summary>
    /// <remarks>
    /// <c>/sluice</c> is shared by every framework on the ensemble, which may use other credentials: it is created
    /// open. Everything from <c>/sluice/&lt;framework&gt;</c> down gets the client's ACL (creator-only with
    /// <c>--zk-auth</c>).
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _client.EnsurePathAsync(ZooKeeperLayout.Base, NodeAcl.Open, cancellationToken).ConfigureAwait(false);
        await _client.EnsurePathAsync(PathOf(StateKey.Consumers), cancellationToken).ConfigureAwait(false);
        await _client.EnsurePathAsync(PathOf(StateKey.Deployments), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var node = await _client.GetAsync(PathOf(key), cancellationToken).ConfigureAwait(false);
            return new StoredDocument(node.Data, node.Stat.Version);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return null;
        }
    }

    protected override async Task<long> WriteAsync(string key, byte[] data, long expectedVersion, CancellationToken cancellationToken)
    {
        var fence = CurrentFence(key);
        var path = PathOf(key);
        var write = expectedVersion == StateVersion.New
            ? ZooKeeperOp.Create(path, data)
            : ZooKeeperOp.Set(path, data, checked((int)expectedVersion));
        var results = await MultiAsync(key, expectedVersion, [ZooKeeperOp.Check(fence.Path, fence.Version), write], cancellationToken).ConfigureAwait(false);
        var version = results[1].Stat?.Version ?? 0;
        LogWritten(_logger, path, version, fence.Path);
        return version;
    }

    protected override async Task DeleteAsync(string key, long expectedVersion, IReadOnlyList<string> children, CancellationToken cancellationToken)
    {
        var fence = CurrentFence(key);
        var operations = new List<ZooKeeperOp> { ZooKeeperOp.Check(fence.Path, fence.Version) };
        foreach (var child in children)
        {
            if (await _client.ExistsAsync(PathOf(child), cancellationToken).ConfigureAwait(false) is not null)
            {
                operations.Add(ZooKeeperOp.Delete(PathOf(child), ZooKeeperVersion.Any));
            }
        }

        operations.Add(ZooKeeperOp.Delete(PathOf(key), checked((int)expectedVersion)));
        await MultiAsync(key, expectedVersion, operations, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<string>> ListAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.GetChildrenAsync(PathOf(collection), cancellationToken).ConfigureAwait(false)).Names;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return [];
        }
    }

    private async Task<IReadOnlyList<OpResult>> MultiAsync(string key, long expectedVersion, IReadOnlyList<ZooKeeperOp> operations, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.MultiAsync(operations, cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperMultiException e) when (e.FailedIndex == 0)
        {
            LogFenced(_logger, PathOf(key), operations[0].Path, e.Code);
            throw new StateFencedException(key, $"the leader's election node {operations[0].Path} failed its check ({e.Code}): leadership was lost", e);
        }
        catch (ZooKeeperMultiException e) when (e.FailedIndex > 0)
        {
            var reason = e.Code switch
            {
                ZooKeeperErrorCode.NodeExists => "it already exists",
                ZooKeeperErrorCode.BadVersion => "its version changed",
                ZooKeeperErrorCode.NoNode when expectedVersion == StateVersion.New => $"'{StateKey.RequiredParent(key) ?? "its parent"}' does not exist",
                ZooKeeperErrorCode.NoNode => "it does not exist",
                ZooKeeperErrorCode.NotEmpty => "it has children",
                _ => e.Code.ToString(),
            };
            throw new StateConflictException(key, expectedVersion, reason, e);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.SessionExpired)
        {
            throw new StateFencedException(key, "the session expired, and with it the leadership", e);
        }
    }

    private FencingToken CurrentFence(string key) =>
        _fence.CurrentToken ?? throw new StateFencedException(key, "this scheduler is not the leader");

    private string PathOf(string key) => $"{Root}/{key}";

    [LoggerMessage(EventName = "StateWritten", Level = LogLevel.Debug, Message = "Wrote {Path} at version {Version} (fenced by {Fence})")]
    private static partial void LogWritten(ILogger logger, string path, int version, string fence);

    [LoggerMessage(EventName = "StateWriteFenced", Level = LogLevel.Warning,
        Message = "Write to {Path} rejected: fencing token {Fence} no longer valid ({Code})")]
    private static partial void LogFenced(ILogger logger, string path, string fence, ZooKeeperErrorCode code);
}
