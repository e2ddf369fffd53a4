using Confluent.Kafka;
using Sluice.Local.Kafka;
using Sluice.Testing;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 4. A Kafka broker down for the outage time (the partitions it leads stall; the commits stall where it is the
/// group's coordinator), then errors injected into the consumers' fetches and offset commits on the embedded (mock)
/// cluster: every client retries, every partition is consumed again; 0 lost, 0 duplicated. The load pauses around
/// the outage itself (see <see cref="LoadProducer.Pause"/>): the consumers are under test, not the producer.
/// </summary>
internal sealed class BrokerOutage : ChaosScenario
{
    private const int Broker = 1;

    public override int Number => 4;

    public override string Name => "broker-outage";

    public override string Fault => "a broker down, then fetch and commit errors injected";

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        var kafka = run.Context.EmbeddedKafka.Kafka;
        var processed = run.World.Processed().Count;
        run.Load.Pause(run.Settings.StepTimeout);
        kafka.SetBrokerDown(Broker);
        run.Note($"broker {Broker} of {kafka.BrokerCount} down for {run.Settings.Outage.TotalSeconds:0} s");
        try
        {
            // The outage is the fault itself: it lasts its time whatever happens meanwhile.
            await Task.Delay(run.Settings.Outage, cancellationToken);
        }
        finally
        {
            kafka.SetBrokerUp(Broker);
            run.Load.Resume(newProducer: true);
        }
        run.Note($"broker {Broker} up; {run.World.Processed().Count - processed} records processed meanwhile by the partitions other brokers lead");

        kafka.InjectRequestErrors(KafkaApiKey.Fetch, [.. Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 6), .. Enumerable.Repeat(ErrorCode.RequestTimedOut, 6)]);
        kafka.InjectRequestErrors(KafkaApiKey.OffsetCommit, [.. Enumerable.Repeat(ErrorCode.RequestTimedOut, 4), .. Enumerable.Repeat(ErrorCode.NotCoordinatorForGroup, 4)]);
        run.Note("injected 12 fetch and 8 offset-commit errors");
        await run.RunSteadyAsync();
        kafka.ClearRequestErrors(KafkaApiKey.Fetch);
        kafka.ClearRequestErrors(KafkaApiKey.OffsetCommit);
        // Every partition flows again: a record produced after the faults is processed on each.
        var mark = run.Load.Delivered.GroupBy(d => d.Partition).ToDictionary(g => g.Key, g => g.Max(d => d.Offset));
        await Eventually.TrueAsync(() =>
        {
            var latest = run.World.Processed().GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Max(r => r.Offset));
            return mark.All(m => latest.TryGetValue(m.Key, out var offset) && offset >= m.Value);
        }, run.Settings.StepTimeout, "every partition is processed past the records produced during the faults", cancellationToken);
        await run.WaitUntilServedAsync();
    }
}
