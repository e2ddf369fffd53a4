using System.Globalization;

namespace Sluice.Bench.Harness;

/// <summary>A benchmark's goal for its ratio: <c>&gt;=0.95</c>, <c>&lt;=0.05</c>, or informative.</summary>
internal sealed record Goal(string Comparison, double Value)
{
    public static Goal AtLeast(double value) => new(">=", value);

    public static Goal AtMost(double value) => new("<=", value);

    /// <summary>No goal: the figure is reported for information and always passes.</summary>
    public static Goal Informative { get; } = new("informative", double.NaN);

    public bool IsMetBy(double ratio) => Comparison switch
    {
        ">=" => ratio >= Value,
        "<=" => ratio <= Value,
        _ => true,
    };

    public override string ToString() =>
        Comparison == "informative" ? "informative" : Comparison + Value.ToString("0.###", CultureInfo.InvariantCulture);
}
