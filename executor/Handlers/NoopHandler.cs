using Sluice.Consumer;

namespace Sluice.Executor.Handlers;

/// <summary><c>sluice:noop</c>: does nothing; for throughput runs.</summary>
internal sealed class NoopHandler : IMessageHandler
{
    public ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
