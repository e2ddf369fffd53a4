using Sluice.Consumer;

namespace Sluice.Executor.Handlers;

/// <summary>A handler instance: exactly one of <see cref="Single"/> and <see cref="Batch"/> is set.</summary>
public sealed record LoadedHandler(IMessageHandler? Single, IBatchMessageHandler? Batch, string Description)
{
    /// <summary>Gives the handler to the consumer builder.</summary>
    public SluiceConsumerBuilder ApplyTo(SluiceConsumerBuilder builder) =>
        Single is not null ? builder.SetHandler(Single) : builder.SetBatchHandler(Batch!);
}
