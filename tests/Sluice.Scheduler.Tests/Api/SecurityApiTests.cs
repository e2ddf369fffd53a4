using System.Net;
using System.Net.Http.Headers;
using Sluice.Scheduler.Api;

namespace Sluice.Scheduler.Tests.Api;

public sealed class SecurityApiTests
{
    private const string Token = "s3cret-token";

    [Fact]
    public async Task Token_RequiredForMutations_NotForReads()
    {
        await using var host = await ApiHost.StartAsync(apiToken: Token);

        using var anonymousPut = await host.PutAsync("orders", ApiHost.SimpleSpec);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPut.StatusCode);
        Assert.Equal("application/problem+json", anonymousPut.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", anonymousPut.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Put, "/api/v1/consumers/orders") { Content = ApiHost.Json(ApiHost.SimpleSpec) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        using var wrongPut = await host.Client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPut.StatusCode);
        Assert.Empty(await host.Store.ListConsumersAsync());

        using var list = await host.Client.GetAsync("/api/v1/consumers");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Put, "/api/v1/consumers/orders") { Content = ApiHost.Json(ApiHost.SimpleSpec) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var rightPut = await host.Client.SendAsync(right);
        Assert.Equal(HttpStatusCode.Created, rightPut.StatusCode);

        using var anonymousScale = await host.ScaleAsync("orders", 3);
        using var anonymousDelete = await host.Client.DeleteAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousScale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousDelete.StatusCode);
        Assert.Single(await host.Store.ListConsumersAsync());

        using var get = await host.Client.GetAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Token_MissingOnMutation_401BeforeRoutingOrContentTypeChecks()
    {
        await using var host = await ApiHost.StartAsync(apiToken: Token);

        using var notJson = await host.Client.PutAsync("/api/v1/consumers/orders", ApiHost.Json("x", "text/plain"));
        using var noRoute = await host.Client.PostAsync("/api/v1/secret-admin", ApiHost.Json("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noRoute.StatusCode);
    }

    [Fact]
    public async Task Standby_Redirects307ToTheLeader_ButServesHealth()
    {
        var leadership = new Standby(new Uri("http://leader.example:8080/"));
        await using var host = await ApiHost.StartAsync(leadership: leadership);

        using var put = await host.PutAsync("orders", ApiHost.SimpleSpec);
        using var get = await host.Client.GetAsync("/api/v1/consumers?x=1");
        using var health = await host.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, put.StatusCode);
        Assert.Equal("http://leader.example:8080/api/v1/consumers/orders", put.Headers.Location?.AbsoluteUri);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, get.StatusCode);
        Assert.Equal("http://leader.example:8080/api/v1/consumers?x=1", get.Headers.Location?.AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False((await ApiHost.ReadJsonAsync(health)).GetProperty("leader").GetBoolean());
        Assert.Empty(await host.Store.ListConsumersAsync());
    }

    [Fact]
    public async Task Standby_NoLeaderKnown_503()
    {
        await using var host = await ApiHost.StartAsync(leadership: new Standby(null));
        using var response = await host.Client.GetAsync("/api/v1/consumers");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_DocumentListsTheRoutes()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await ApiHost.ReadJsonAsync(response)).GetProperty("paths");
        var names = paths.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Subset(names, new HashSet<string>
        {
            "/health",
            "/api/v1/consumers",
            "/api/v1/consumers/{name}",
            "/api/v1/consumers/{name}/scale",
            "/api/v1/consumers/{name}/status",
            "/api/v1/operations/{id}",
            "/api/v1/events",
        });
        Assert.True(paths.GetProperty("/api/v1/consumers/{name}").TryGetProperty("put", out var put));
        Assert.True(put.TryGetProperty("requestBody", out _));
    }

    private sealed class Standby(Uri? leader) : IApiLeadership
    {
        public bool IsLeader => false;

        public Uri? LeaderApiUrl => leader;
    }
}
