using System.Threading.Channels;
using Sluice.Scheduler.Api;

namespace Sluice.Scheduler.Hosting;

/// <summary>A change the REST API made, waiting for the controller.</summary>
internal abstract record ConsumerWork(string Consumer)
{
    internal sealed record Changed(string Consumer, ConsumerChange Change) : ConsumerWork(Consumer);

    internal sealed record Scale(string Consumer, int Instances, string OperationId) : ConsumerWork(Consumer);
}

/// <summary>
/// Hands the REST API's changes to the scheduler's controller without blocking the request: an
/// unbounded queue (changes are small and rare) read by one reader.
/// </summary>
internal sealed class ConsumerChangeQueue : IConsumerChangeSink
{
    private readonly Channel<ConsumerWork> _work = Channel.CreateUnbounded<ConsumerWork>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ConsumerWork> Reader => _work.Reader;

    public void ConsumerChanged(string name, ConsumerChange change) => _work.Writer.TryWrite(new ConsumerWork.Changed(name, change));

    public void ScaleRequested(string name, int instances, string operationId) =>
        _work.Writer.TryWrite(new ConsumerWork.Scale(name, instances, operationId));
}
