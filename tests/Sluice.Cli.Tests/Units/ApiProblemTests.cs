using System.Net;
using Sluice.Cli.Api;

namespace Sluice.Cli.Tests.Units;

public sealed class ApiProblemTests
{
    [Fact]
    public void ToLine_ValidationProblem_JoinsFieldErrors()
    {
        var problem = ApiProblem.TryParse("""{"title":"Invalid request","status":400,"errors":{"topics":["topics must name at least one topic"],"workers":["must be between 1 and 1024"]}}""");

        Assert.Equal("Invalid request: topics must name at least one topic; workers: must be between 1 and 1024 (HTTP 400)", problem!.ToLine(HttpStatusCode.BadRequest));
    }

    [Fact]
    public void ToLine_ControlCharactersFromTheServer_StayOnOneLine()
    {
        var problem = ApiProblem.TryParse("{\"title\":\"Bad\\nthing\",\"detail\":\"a\\u001b[31mred\\r\\nline\"}");

        Assert.Equal("Bad thing: a [31mred  line (HTTP 409)", problem!.ToLine(HttpStatusCode.Conflict));
    }

    [Fact]
    public void TryParse_NotJson_Null() => Assert.Null(ApiProblem.TryParse("<html>502 Bad Gateway</html>"));

    [Fact]
    public void StatusLine_NoBody_SaysTheStatus() => Assert.Equal("Bad gateway", ApiProblem.StatusLine(HttpStatusCode.BadGateway));
}
