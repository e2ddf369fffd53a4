namespace Sluice.Cli.Tests.Deployments;

/// <summary>
/// One deployment of the stand-in, moving through a script: pending → for each step inProgress, baking (and
/// waitingForPromotion when auto-promote is off) → succeeded. Each read by id moves it one stage on, except while it
/// waits for promotion or is paused. A deployment of a consumer whose name contains <c>failing</c> fails its gate at
/// the second step's bake and rolls back. Not thread-safe: <see cref="DeploymentApiStandIn"/> locks around it.
/// </summary>
internal sealed class ScriptedDeployment
{
    public const int TotalPartitions = 24;

    private readonly List<Stage> _stages = [];
    private readonly DateTimeOffset _createdAt;
    private int _index;
    private bool _paused;

    private sealed record Stage(string Status, int Step, int NewPartitions, double? ErrorRate, bool? Passed, string? Message = null);

    public ScriptedDeployment(string id, string consumer, string toVersion, int[] steps, int bakeSeconds, bool autoPromote, DateTimeOffset now)
    {
        (Id, Consumer, ToVersion, Steps, BakeSeconds, AutoPromote, _createdAt) = (id, consumer, toVersion, steps, bakeSeconds, autoPromote, now);
        var fails = consumer.Contains("failing", StringComparison.Ordinal);
        _stages.Add(new Stage("pending", 0, 0, null, null));
        for (var i = 0; i < steps.Length; i++)
        {
            var share = TotalPartitions * steps[i] / 100;
            _stages.Add(new Stage("inProgress", i, share, null, null));
            if (fails && i == Math.Min(1, steps.Length - 1))
            {
                _stages.Add(new Stage("baking", i, share, 0.2, false, "gate maxErrorRate failed: 0.2 > 0.01"));
                _stages.Add(new Stage("rollingBack", i, share / 2, 0.2, false, "gate maxErrorRate failed: 0.2 > 0.01"));
                _stages.Add(new Stage("rolledBack", i, 0, 0.2, false, "gate maxErrorRate failed: 0.2 > 0.01; rolled back"));
                return;
            }
            _stages.Add(new Stage("baking", i, share, 0.001, true));
            if (!autoPromote && i < steps.Length - 1)
            {
                _stages.Add(new Stage("waitingForPromotion", i, share, 0.001, true));
            }
        }
        _stages.Add(new Stage("succeeded", steps.Length - 1, TotalPartitions, 0.001, true));
    }

    public string Id { get; }

    public string Consumer { get; }

    public string ToVersion { get; }

    public int[] Steps { get; }

    public int BakeSeconds { get; }

    public bool AutoPromote { get; }

    private Stage Current => _stages[_index];

    public string Status => _paused ? "paused" : Current.Status;

    public bool IsFinished => Current.Status is "succeeded" or "rolledBack" or "failed" or "aborted";

    /// <summary>A read by id: the script moves one stage on (not while waiting for promotion or paused).</summary>
    public void Advance()
    {
        if (!_paused && !IsFinished && Current.Status != "waitingForPromotion")
        {
            _index++;
        }
    }

    /// <summary>Applies an action; false when it does not apply now (409).</summary>
    public bool TryApply(string action)
    {
        switch (action)
        {
            case "promote" when !_paused && Current.Status == "waitingForPromotion":
                _index++;
                return true;
            case "pause" when !_paused && !IsFinished:
                _paused = true;
                return true;
            case "resume" when _paused:
                _paused = false;
                return true;
            case "rollback" when !IsFinished && Current.Status != "rollingBack":
                Replace(new Stage("rollingBack", Current.Step, Current.NewPartitions / 2, Current.ErrorRate, Current.Passed, "rollback requested"),
                    new Stage("rolledBack", Current.Step, 0, Current.ErrorRate, Current.Passed, "rolled back on request"));
                return true;
            case "abort" when !IsFinished:
                Replace(new Stage("aborted", Current.Step, Current.NewPartitions, Current.ErrorRate, Current.Passed, "aborted on request"));
                return true;
            default:
                return false;
        }
    }

    private void Replace(params Stage[] next)
    {
        _stages.RemoveRange(_index + 1, _stages.Count - _index - 1);
        _stages.AddRange(next);
        _paused = false;
        _index++;
    }

    /// <summary>The Deployment document of the contract.</summary>
    public object ToDocument()
    {
        var stage = Current;
        return new
        {
            id = Id,
            consumer = Consumer,
            fromVersion = "v1",
            toVersion = ToVersion,
            status = Status,
            step = stage.Step,
            steps = Steps,
            bakeSeconds = BakeSeconds,
            autoPromote = AutoPromote,
            partitions = new Dictionary<string, int> { ["v1"] = TotalPartitions - stage.NewPartitions, [ToVersion] = stage.NewPartitions },
            gates = new object[]
            {
                new { name = "maxErrorRate", threshold = 0.01, value = stage.ErrorRate, passed = stage.Passed },
                new { name = "maxLagGrowth", threshold = 10000.0, value = stage.ErrorRate is null ? (double?)null : 120.0, passed = stage.Passed is null ? (bool?)null : true },
            },
            message = stage.Message,
            createdAt = _createdAt,
            updatedAt = _createdAt.AddSeconds(_index),
        };
    }
}
