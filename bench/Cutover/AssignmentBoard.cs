namespace Sluice.Bench.Cutover;

/// <summary>
/// The partitions each live group member holds, as its rebalance callbacks report them, and waits
/// on that view ("the group is stable") without polling.
/// </summary>
/// <remarks>Thread-safe: members update it from their own consumer threads.</remarks>
internal sealed class AssignmentBoard(int partitions)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<int>> _members = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Join(string member) => Update(member, held => held.Clear(), join: true);

    public void Add(string member, IEnumerable<int> assigned) => Update(member, held => held.UnionWith(assigned));

    public void Remove(string member, IEnumerable<int> revoked) => Update(member, held => held.ExceptWith(revoked));

    public void Leave(string member)
    {
        lock (_gate)
        {
            _members.Remove(member);
            Pulse();
        }
    }

    /// <summary>Partitions <paramref name="member"/> holds now.</summary>
    public int Held(string member)
    {
        lock (_gate)
        {
            return _members.TryGetValue(member, out var held) ? held.Count : 0;
        }
    }

    /// <summary>
    /// True when the live members hold every partition exactly once and each member holds at
    /// least one: what a careful operator would take for "the group is stable" from the outside.
    /// </summary>
    public bool IsStable()
    {
        lock (_gate)
        {
            var union = new HashSet<int>();
            var total = 0;
            foreach (var held in _members.Values)
            {
                if (held.Count == 0)
                {
                    return false;
                }
                union.UnionWith(held);
                total += held.Count;
            }
            return total == partitions && union.Count == partitions;
        }
    }

    /// <summary>Completes when <see cref="IsStable"/> holds.</summary>
    /// <exception cref="TimeoutException">Not stable within <paramref name="timeout"/>.</exception>
    public async Task WhenStableAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }
            if (IsStable())
            {
                return;
            }
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The group was not stable within {timeout.TotalSeconds:0} s: {Describe()}.");
            }
        }
    }

    public string Describe()
    {
        lock (_gate)
        {
            return string.Join(", ", _members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} holds {m.Value.Count}"));
        }
    }

    private void Update(string member, Action<HashSet<int>> change, bool join = false)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(member, out var held))
            {
                if (!join)
                {
                    return;
                }
                _members[member] = held = [];
            }
            change(held);
            Pulse();
        }
    }

    private void Pulse()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
