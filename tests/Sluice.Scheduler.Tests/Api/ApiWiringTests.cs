using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Api;

namespace Sluice.Scheduler.Tests.Api;

public sealed class ApiWiringTests
{
    [Fact]
    public async Task MapSluiceApi_WithoutStoreOrSink_FailsAtStartupNamingThem()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSluiceApi();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapSluiceApi());

        Assert.Contains("IStateStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("IConsumerChangeSink", error.Message, StringComparison.Ordinal);
    }
}
