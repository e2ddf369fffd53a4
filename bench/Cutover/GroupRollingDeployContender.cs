using System.Globalization;
using Confluent.Kafka;

namespace Sluice.Bench.Cutover;

/// <summary>
/// A consumer-group rolling deploy, as Marathon's rolling restart does it: N members of one group,
/// then for each: start a new-version member, wait until it holds partitions and the group is
/// stable, close one old member; finally wait until every partition flows again.
/// </summary>
internal sealed class GroupRollingDeployContender : ICutoverContender
{
    private readonly PartitionAssignmentStrategy? _strategy;
    private readonly int _sessionTimeoutMs;
    private readonly int _heartbeatIntervalMs;
    private readonly int _autoCommitIntervalMs;

    private GroupRollingDeployContender(string name, GroupProtocol protocol, PartitionAssignmentStrategy? strategy, int sessionTimeoutMs, int heartbeatIntervalMs, int autoCommitIntervalMs)
    {
        Name = name;
        Protocol = protocol;
        _strategy = strategy;
        _sessionTimeoutMs = sessionTimeoutMs;
        _heartbeatIntervalMs = heartbeatIntervalMs;
        _autoCommitIntervalMs = autoCommitIntervalMs;
    }

    /// <summary>The classic protocol with a client-side assignor.</summary>
    /// <param name="name">Name in tables and JSON.</param>
    /// <param name="strategy">The assignor: cooperative-sticky, or an eager one (range, round-robin).</param>
    /// <param name="sessionTimeoutMs"><c>session.timeout.ms</c>; 6,000 is a real broker's default minimum.</param>
    /// <param name="heartbeatIntervalMs"><c>heartbeat.interval.ms</c>.</param>
    /// <param name="autoCommitIntervalMs"><c>auto.commit.interval.ms</c> for stored (processed) offsets.</param>
    public static GroupRollingDeployContender Classic(
        string name, PartitionAssignmentStrategy strategy, int sessionTimeoutMs = 6_000, int heartbeatIntervalMs = 500, int autoCommitIntervalMs = 1_000) =>
        new(name, GroupProtocol.Classic, strategy, sessionTimeoutMs, heartbeatIntervalMs, autoCommitIntervalMs);

    /// <summary>
    /// The KIP-848 protocol (<c>group.protocol=consumer</c>): the broker assigns, and session timeout and
    /// heartbeat interval are the broker's (<see cref="Sluice.Local.Kafka.EmbeddedKafka.SetConsumerGroupTimeouts"/> on the mock).
    /// </summary>
    public static GroupRollingDeployContender Kip848(string name, int brokerSessionTimeoutMs, int brokerHeartbeatIntervalMs, int autoCommitIntervalMs = 1_000) =>
        new(name, GroupProtocol.Consumer, null, brokerSessionTimeoutMs, brokerHeartbeatIntervalMs, autoCommitIntervalMs);

    public string Name { get; }

    public GroupProtocol Protocol { get; }

    public string Description => Protocol == GroupProtocol.Classic
        ? $"consumer-group rolling deploy, classic protocol, {Describe(_strategy)} assignor, session.timeout.ms {_sessionTimeoutMs}, heartbeat.interval.ms {_heartbeatIntervalMs}"
        : $"consumer-group rolling deploy, KIP-848 protocol (broker-side assignment), broker session timeout {_sessionTimeoutMs} ms, heartbeat interval {_heartbeatIntervalMs} ms";

    public async Task<CutoverRun> RunAsync(CutoverScenario scenario, CancellationToken cancellationToken)
    {
        var groupId = $"cutover-{Name}-{Guid.NewGuid():N}";
        var board = new AssignmentBoard(scenario.Partitions);
        var counters = new GroupCounters();
        var live = new List<GroupMember>();
        var timeout = scenario.Settings.StepTimeout;
        IReadOnlyDictionary<string, long> deployCounters;

        GroupMember StartMember(string version, int index)
        {
            var id = $"{version}-{index}";
            var member = GroupMember.Start(Config(scenario, groupId, id), scenario.Topic, id, version, scenario.Sink, board, counters);
            live.Add(member);
            return member;
        }

        async Task StopMember(GroupMember member)
        {
            live.Remove(member);
            await member.StopAsync().WaitAsync(timeout, cancellationToken);
        }

        try
        {
            var old = Enumerable.Range(0, scenario.Consumers).Select(i => StartMember(CutoverScenario.OldVersion, i)).ToList();
            await board.WhenStableAsync(timeout, cancellationToken);
            await scenario.WarmUpAsync(cancellationToken);

            scenario.MarkDeployStarted();
            for (var i = 0; i < old.Count; i++)
            {
                var fresh = StartMember(CutoverScenario.NewVersion, i);
                scenario.Note($"{fresh.Id} started");
                await board.WhenStableAsync(timeout, cancellationToken);
                scenario.Note($"{fresh.Id} holds {board.Held(fresh.Id)}, group stable");
                await StopMember(old[i]);
                scenario.Note($"{old[i].Id} closed");
            }
            await scenario.FinishDeployAsync(cancellationToken);
            // Counted up to the deploy's end: the final shutdown of the new members is not part of it.
            deployCounters = counters.Snapshot();
            await scenario.StopProducingAndDrainAsync(cancellationToken);
        }
        catch
        {
            // Best-effort teardown on the failure path; the original exception is the one to report.
            try
            {
                await StopAllAsync(live, timeout);
            }
            catch (Exception)
            {
                // Teardown only: whatever a member failed with, the run's own failure is reported.
            }
            throw;
        }
        await StopAllAsync(live, timeout);

        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["group.protocol"] = Protocol == GroupProtocol.Classic ? "classic" : "consumer (KIP-848)",
            ["enable.auto.commit"] = "true (stored offsets only: enable.auto.offset.store=false, StoreOffset after processing)",
            ["auto.commit.interval.ms"] = Text(_autoCommitIntervalMs),
            ["on revoke"] = "synchronous Commit of the processed offsets of the revoked partitions",
            ["fetch.wait.max.ms"] = Text(scenario.Settings.FetchWaitMaxMs),
            ["rolling step"] = "start new member, wait until it holds partitions and the live members hold every partition once, Close one old member",
        };
        if (Protocol == GroupProtocol.Classic)
        {
            settings["partition.assignment.strategy"] = Describe(_strategy);
            settings["session.timeout.ms"] = Text(_sessionTimeoutMs);
            settings["heartbeat.interval.ms"] = Text(_heartbeatIntervalMs);
        }
        else
        {
            settings["broker group.consumer.session.timeout.ms"] = Text(_sessionTimeoutMs);
            settings["broker group.consumer.heartbeat.interval.ms"] = Text(_heartbeatIntervalMs);
        }
        return scenario.Complete(settings, deployCounters);
    }

    /// <summary>Stops every member still running, all at once.</summary>
    private static async Task StopAllAsync(List<GroupMember> live, TimeSpan timeout)
    {
        var stops = live.Select(m => m.StopAsync()).ToArray();
        live.Clear();
        await Task.WhenAll(stops).WaitAsync(timeout);
    }

    private ConsumerConfig Config(CutoverScenario scenario, string groupId, string clientId)
    {
        var config = scenario.BaseConsumerConfig(clientId);
        config.GroupId = groupId;
        config.GroupProtocol = Protocol;
        if (Protocol == GroupProtocol.Classic)
        {
            config.PartitionAssignmentStrategy = _strategy;
            config.SessionTimeoutMs = _sessionTimeoutMs;
            config.HeartbeatIntervalMs = _heartbeatIntervalMs;
        }
        config.EnableAutoCommit = true;
        config.AutoCommitIntervalMs = _autoCommitIntervalMs;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    private static string Describe(PartitionAssignmentStrategy? strategy) => strategy switch
    {
        PartitionAssignmentStrategy.CooperativeSticky => "cooperative-sticky",
        PartitionAssignmentStrategy.Range => "range (eager)",
        PartitionAssignmentStrategy.RoundRobin => "roundrobin (eager)",
        null => "broker-side",
        _ => strategy.ToString()!,
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
