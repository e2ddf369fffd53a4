namespace Sluice.Scheduler.State;

/// <summary>
/// Proof of leadership checked by every ZooKeeper state write: the leader's election node (ephemeral, unique per
/// session) and its version. A write carries a <c>check(Path, Version)</c> in the same multi, so it fails once that
/// node is gone (session expired, leadership resigned) — a deposed leader cannot write.
/// </summary>
internal sealed record FencingToken(string Path, int Version);

/// <summary>Supplies the current fencing token: null when this process is not the leader (writes are then refused).</summary>
internal interface IFencingTokenSource
{
    FencingToken? CurrentToken { get; }
}
