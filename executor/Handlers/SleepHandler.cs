using Sluice.Consumer;

namespace Sluice.Executor.Handlers;

/// <summary><c>sluice:sleep</c>: waits <c>sleepMs</c> (default 5) per message, as a stand-in for I/O-bound work.</summary>
internal sealed class SleepHandler(HandlerContext context) : IMessageHandler
{
    private readonly TimeSpan _delay = TimeSpan.FromMilliseconds(context.Int("sleepMs", 5, min: 0, max: 600_000));

    public async ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken)
    {
        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, cancellationToken);
        }
    }
}
