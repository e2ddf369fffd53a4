using System.Globalization;
using Microsoft.Extensions.Options;

namespace Sluice.Scheduler.Api;

/// <summary>
/// The operations the API accepted, in memory (they do not survive a scheduler restart; the persisted spec does).
/// At most one active (pending or running) operation per consumer. Thread-safe; status changes are published to
/// <see cref="SchedulerEvents"/> as <c>operation.&lt;status&gt;</c>.
/// </summary>
internal sealed class OperationTracker(TimeProvider time, SchedulerEvents events, IOptions<SluiceApiOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly Queue<string> _completed = new();
    private readonly int _retained = Math.Max(1, options.Value.RetainedOperations);

    /// <summary>
    /// Starts a pending operation for <paramref name="consumer"/> unless one is active, in which case that one is
    /// returned in <paramref name="active"/> and nothing is started.
    /// </summary>
    public bool TryStart(OperationKind kind, string consumer, int? targetInstances, out Operation started, out Operation? active)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            active = _operations.Values.FirstOrDefault(o => o.IsActive && o.Consumer == consumer);
            if (active is not null)
            {
                started = active;
                return false;
            }
            started = new Operation(NewId(), kind, consumer, OperationStatus.Pending, now, now, null, targetInstances);
            _operations[started.Id] = started;
        }
        return true;
    }

    /// <summary>Forgets an operation that was never announced (its change was not persisted).</summary>
    public void Discard(string id)
    {
        lock (_gate) _operations.Remove(id);
    }

    /// <summary>Announces a started operation (after its change was persisted).</summary>
    public void Announce(Operation operation) => PublishChange(operation);

    public Operation? Find(string id)
    {
        lock (_gate) return _operations.GetValueOrDefault(id);
    }

    /// <summary>The consumer's operations, newest first.</summary>
    public IReadOnlyList<Operation> ForConsumer(string consumer)
    {
        lock (_gate) return [.. _operations.Values.Where(o => o.Consumer == consumer).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)];
    }

    /// <summary>The engine started working on it.</summary>
    public bool MarkRunning(string id, string? message = null) => Transition(id, OperationStatus.Running, message);

    public bool MarkSucceeded(string id, string? message = null) => Transition(id, OperationStatus.Succeeded, message);

    public bool MarkFailed(string id, string message) => Transition(id, OperationStatus.Failed, message);

    /// <summary>Fails every active operation of a consumer (e.g. it was deleted or replaced).</summary>
    public void FailActive(string consumer, string message)
    {
        string[] ids;
        lock (_gate) ids = [.. _operations.Values.Where(o => o.IsActive && o.Consumer == consumer).Select(o => o.Id)];
        foreach (var id in ids)
        {
            MarkFailed(id, message);
        }
    }

    private bool Transition(string id, OperationStatus status, string? message)
    {
        Operation changed;
        lock (_gate)
        {
            if (!_operations.TryGetValue(id, out var current) || !current.IsActive)
            {
                return false;
            }
            changed = current with { Status = status, Message = message ?? current.Message, UpdatedAt = time.GetUtcNow() };
            _operations[id] = changed;
            if (!changed.IsActive)
            {
                _completed.Enqueue(id);
                while (_completed.Count > _retained)
                {
                    _operations.Remove(_completed.Dequeue());
                }
            }
        }
        PublishChange(changed);
        return true;
    }

    private void PublishChange(Operation operation) => events.Publish(
        "operation." + ApiNames.Of(operation.Status),
        operation.Consumer,
        operation.Message,
        new Dictionary<string, string>
        {
            ["operationId"] = operation.Id,
            ["kind"] = ApiNames.Of(operation.Kind),
            ["instances"] = operation.TargetInstances?.ToString(CultureInfo.InvariantCulture) ?? "",
        });

    private static string NewId() => "op-" + Guid.NewGuid().ToString("N")[..16];
}
