namespace Sluice.Consumer;

/// <summary>Processes one message at a time.</summary>
/// <remarks>
/// Runs on a worker (a thread-pool task); several workers call it concurrently for messages the
/// <see cref="MessageOrdering"/> allows in parallel. An exception is a failed attempt handled by the
/// failure policy (retries, then the failure callbacks); it never stops the worker.
/// </remarks>
public interface IMessageHandler
{
    ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken);
}

/// <summary>Processes batches of up to <see cref="SluiceConsumerOptions.BatchSize"/> messages.</summary>
/// <remarks>
/// The memory is the worker's and valid only until the returned task completes: copy what you keep.
/// A batch holds messages of one worker lane, in that lane's order; it may span partitions.
/// An exception fails the whole batch: retries run the whole batch again.
/// </remarks>
public interface IBatchMessageHandler
{
    ValueTask HandleAsync(ReadOnlyMemory<ConsumedMessage> messages, CancellationToken cancellationToken);
}

internal sealed class DelegateMessageHandler(Func<ConsumedMessage, CancellationToken, ValueTask> handler) : IMessageHandler
{
    public ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken) => handler(message, cancellationToken);
}

internal sealed class DelegateBatchMessageHandler(Func<ReadOnlyMemory<ConsumedMessage>, CancellationToken, ValueTask> handler) : IBatchMessageHandler
{
    public ValueTask HandleAsync(ReadOnlyMemory<ConsumedMessage> messages, CancellationToken cancellationToken) => handler(messages, cancellationToken);
}
