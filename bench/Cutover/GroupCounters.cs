using System.Collections.Concurrent;

namespace Sluice.Bench.Cutover;

/// <summary>What the group members of one run counted about the protocol (thread-safe).</summary>
internal sealed class GroupCounters
{
    public const string AssignedCallbacks = "assigned_callbacks";
    public const string RevokedCallbacks = "revoked_callbacks";
    public const string LostCallbacks = "lost_callbacks";
    public const string RevokeCommitsAccepted = "revoke_commits_accepted";
    public const string RevokeCommitsRejected = "revoke_commits_rejected";
    public const string AutoCommitsFailed = "auto_commits_failed";
    public const string StoresRejected = "offset_stores_rejected";
    public const string ClientErrors = "client_errors";
    public const string ConsumeErrors = "consume_errors";

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name) => _counts.AddOrUpdate(name, 1, (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
}
