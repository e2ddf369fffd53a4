namespace Sluice.Scheduler.Api;

/// <summary>
/// How the REST API tells the scheduler's engine about changes it has just persisted. Implemented by the engine.
/// </summary>
/// <remarks>
/// Called on the request's thread after the state store accepted the write, so the engine can re-read the record.
/// Implementations must return quickly (queue the work) and must not throw; the API has already answered the
/// change as accepted. The engine reports progress on a scale through <see cref="OperationTracker"/>.
/// </remarks>
internal interface IConsumerChangeSink
{
    /// <summary>A consumer was created, replaced or deleted.</summary>
    void ConsumerChanged(string name, ConsumerChange change);

    /// <summary>
    /// A scale to <paramref name="instances"/> tasks was requested and persisted as the spec's DesiredInstances.
    /// The engine marks operation <paramref name="operationId"/> running, then succeeded or failed.
    /// </summary>
    void ScaleRequested(string name, int instances, string operationId);
}

/// <summary>What happened to a consumer's spec.</summary>
internal enum ConsumerChange
{
    Created,
    Replaced,
    Deleted,
}
