using Sluice.Local.Mesos;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Mesos' <c>--credentials</c> file, as <c>sluice-local mesos --credentials</c> reads it.</summary>
public sealed class CredentialsFileTests
{
    [Fact]
    public void Parse_JsonForm_ReadsEveryPrincipal()
    {
        var credentials = CredentialsFile.Parse("""{"credentials":[{"principal":"sluice","secret":"s3cret"},{"principal":"other","secret":"x y"}]}""");

        Assert.Equal("s3cret", credentials["sluice"]);
        Assert.Equal("x y", credentials["other"]);
    }

    [Fact]
    public void Parse_TextForm_ReadsOnePairALine_SkippingBlankLines()
    {
        var credentials = CredentialsFile.Parse("sluice s3cret\r\n\n  other\tpassword\n");

        Assert.Equal(2, credentials.Count);
        Assert.Equal("s3cret", credentials["sluice"]);
        Assert.Equal("password", credentials["other"]);
    }

    [Theory]
    [InlineData("", "names no principal")]
    [InlineData("sluice", "line 1")]
    [InlineData("sluice a b", "line 1")]
    [InlineData("a x\na y", "principal 'a' a second time")]
    [InlineData("{\"credentials\":[{\"principal\":\"a\"}]}", "\"secret\"")]
    [InlineData("{\"credentials\":{}}", "\"credentials\" array")]
    [InlineData("{\"credentials\":[", "not valid JSON")]
    public void Parse_BadFile_ThrowsFormatExceptionSayingWhere(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CredentialsFile.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
