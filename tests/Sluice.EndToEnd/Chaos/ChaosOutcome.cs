using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>What one fault scenario found: the recording handler's report, and every broken guarantee.</summary>
internal sealed record ChaosOutcome(
    int Number,
    string Name,
    string Fault,
    ProcessingReport Report,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> Notes,
    TimeSpan Wall)
{
    public bool Passed => Violations.Count == 0;

    public long MaxGapMs => Report.MaxGapMs;

    public override string ToString() =>
        $"{Number}. {Name}: {(Passed ? "PASS" : "FAIL")}; {Report}; wall {Wall.TotalSeconds:0.0} s" +
        (Passed ? "" : "\n  violations:\n  - " + string.Join("\n  - ", Violations));
}
