namespace Sluice.Cli.Tests.Units;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("90", 90_000)]
    [InlineData("00:02:00", 120_000)]
    public void TryParse_ValidForms_Parsed(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    public void TryParse_Malformed_False(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(250, "250 ms")]
    [InlineData(2_000, "2 s")]
    [InlineData(300_000, "5 min")]
    public void Format_ReadsLikeTheOption(int milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
