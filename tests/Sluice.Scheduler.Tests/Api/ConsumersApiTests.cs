using System.Net;
using System.Text.Json;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Api;

public sealed class ConsumersApiTests
{
    [Fact]
    public async Task Put_Get_List_Replace_Delete_RoundTrip()
    {
        await using var host = await ApiHost.StartAsync();

        using var created = await host.PutAsync("orders", ApiHost.FullSpec);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/consumers/orders", created.Headers.Location?.OriginalString);

        using var got = await host.Client.GetAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var spec = await ApiHost.ReadJsonAsync(got);
        Assert.Equal("orders", spec.GetProperty("name").GetString());
        Assert.Equal(["orders", "payments"], spec.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("orders-group", spec.GetProperty("groupId").GetString());
        Assert.Equal("Acme.OrderHandler, Acme", spec.GetProperty("handler").GetProperty("type").GetString());
        Assert.Equal("Acme.dll", spec.GetProperty("handler").GetProperty("assembly").GetString());
        Assert.Equal("5", spec.GetProperty("handler").GetProperty("settings").GetProperty("sleepMs").GetString());
        Assert.Equal("v7", spec.GetProperty("version").GetString());
        Assert.Equal(3, spec.GetProperty("instances").GetInt32());
        Assert.Equal(16, spec.GetProperty("workers").GetInt32());
        Assert.Equal("perKey", spec.GetProperty("ordering").GetString());
        Assert.Equal("deadLetterAndContinue", spec.GetProperty("failurePolicy").GetString());
        Assert.Equal("orders-dlq", spec.GetProperty("deadLetterTopic").GetString());
        Assert.Equal(512, spec.GetProperty("resources").GetProperty("mem").GetDouble());
        Assert.Equal(
            ["hostname UNIQUE", "rack LIKE a.*", "rack CLUSTER a", "rack GROUP_BY"],
            spec.GetProperty("constraints").EnumerateArray().Select(c => string.Join(' ', c.EnumerateArray().Select(p => p.GetString()))));

        // Stored as the model says, handler in the reserved environment keys.
        var stored = (await host.Store.GetConsumerAsync("orders"))!.Value.Spec;
        Assert.Equal(3, stored.DesiredInstances);
        Assert.Equal("v7", stored.ActiveVersion);
        var version = Assert.Single(stored.Versions);
        Assert.Equal("Acme.OrderHandler, Acme", version.Environment[HandlerEnvironment.TypeKey]);
        Assert.Equal("fast", version.Environment[HandlerEnvironment.SettingPrefix + "mode"]);
        Assert.Equal(new WorkerSettings(16, OrderingMode.PerKey, 1, TimeSpan.Zero, FailurePolicy.DeadLetterAndContinue, "orders-dlq"), version.Worker);
        Assert.Equal(new PlacementConstraint("rack", ConstraintOperator.Like, "a.*"), stored.Constraints[1]);

        using var list = await host.Client.GetAsync("/api/v1/consumers");
        var summary = Assert.Single((await ApiHost.ReadJsonAsync(list)).EnumerateArray());
        Assert.Equal("orders", summary.GetProperty("name").GetString());
        Assert.Equal(3, summary.GetProperty("instances").GetInt32());
        Assert.Equal("v7", summary.GetProperty("activeVersion").GetString());

        using var replaced = await host.PutAsync("orders", """{"topics": ["orders"], "handler": {"type": "Other"}, "version": "v7"}""");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var after = await ApiHost.ReadJsonAsync(replaced);
        Assert.Equal("Other", after.GetProperty("handler").GetProperty("type").GetString());
        Assert.Equal(3, after.GetProperty("instances").GetInt32()); // a replace without instances keeps the desired count
        Assert.Equal("orders", after.GetProperty("groupId").GetString());

        using var deleted = await host.Client.DeleteAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await host.Client.GetAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        using var deletedAgain = await host.Client.DeleteAsync("/api/v1/consumers/orders");
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);

        Assert.Equal([("orders", ConsumerChange.Created), ("orders", ConsumerChange.Replaced), ("orders", ConsumerChange.Deleted)], host.Sink.Changes);
    }

    [Fact]
    public async Task Put_MinimalSpec_FillsDefaults()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.PutAsync("simple", ApiHost.SimpleSpec);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var spec = await ApiHost.ReadJsonAsync(response);
        Assert.Equal("simple", spec.GetProperty("groupId").GetString());
        Assert.Equal("v1", spec.GetProperty("version").GetString());
        Assert.Equal(1, spec.GetProperty("instances").GetInt32());
        Assert.Equal("perPartition", spec.GetProperty("ordering").GetString());
        Assert.Equal("commitOffsetAndContinue", spec.GetProperty("failurePolicy").GetString());
    }

    [Fact]
    public async Task Put_ReplaceKeepsTasks()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("c", ApiHost.SimpleSpec)).Dispose();
        var record = (await host.Store.GetConsumerAsync("c"))!;
        await host.Store.PutConsumerAsync(record.Value with { Tasks = [new TaskRecord("t1", "v1", "a1", MesosTaskState.Running, ControlPlaneState.Ready)] }, record.Version);

        using var response = await host.PutAsync("c", """{"topics": ["orders", "more"], "handler": {"type": "X"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("t1", Assert.Single((await host.Store.GetConsumerAsync("c"))!.Value.Tasks).TaskId);
    }

    public static TheoryData<string, string, string> InvalidSpecs => new()
    {
        { """{"handler": {"type": "X"}}""", "topics", "at least one topic" },
        { """{"topics": [], "handler": {"type": "X"}}""", "topics", "at least one topic" },
        { """{"topics": ["bad topic"], "handler": {"type": "X"}}""", "topics[0]", "[A-Za-z0-9._-]" },
        { """{"topics": [".."], "handler": {"type": "X"}}""", "topics[0]", "'..'" },
        { """{"topics": ["a"]}""", "handler", "handler is required" },
        { """{"topics": ["a"], "handler": {}}""", "handler.type", "handler.type is required" },
        { """{"topics": ["a"], "handler": {"type": "X", "assembly": "../evil.dll"}}""", "handler.assembly", "file name" },
        { """{"topics": ["a"], "handler": {"type": "X", "settings": {"k": {"nested": 1}}}}""", "handler.settings.k", "string, number or boolean" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "instances": 1001}""", "instances", "instances must be between 0 and 1000" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "instances": -1}""", "instances", "instances must be between 0 and 1000" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "workers": 0}""", "workers", "workers must be between 1 and 1024" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "workers": 5000}""", "workers", "workers must be between 1 and 1024" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "resources": {"cpus": 0, "mem": 64}}""", "resources.cpus", "greater than 0" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "resources": {"cpus": 1, "mem": 16}}""", "resources.mem", "at least 32" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "ordering": "sorted"}""", "ordering", "'perPartition', 'perKey', 'unordered'" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "failurePolicy": "ignore"}""", "failurePolicy", "'commitOffsetAndContinue', 'doNotCommitOffsetAndStop', 'deadLetterAndContinue', 'retry'" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "failurePolicy": "deadLetterAndContinue"}""", "deadLetterTopic", "required" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "constraints": [["hostname"]]}""", "constraints[0]", "[field, operator]" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "constraints": [["hostname", "SOMETIMES"]]}""", "constraints[0]", "UNIQUE" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "constraints": [["rack", "LIKE", "("]]}""", "constraints[0]", "regular expression" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "constraints": [["rack", "CLUSTER"]]}""", "constraints[0]", "CLUSTER needs a value" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "artifactUris": ["not a uri"]}""", "artifactUris[0]", "absolute URI" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "version": "v 2"}""", "version", "[A-Za-z0-9._-]" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public async Task Put_InvalidValue_400NamesTheField_StoreUnchanged(string body, string field, string message)
    {
        await using var host = await ApiHost.StartAsync();
        var before = await host.SnapshotAsync();

        using var response = await host.PutAsync("c", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ApiHost.ReadJsonAsync(response);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.Contains(messages, m => m.Contains(message, StringComparison.Ordinal));
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(0, host.Sink.Count);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { """{"topics": ["a"], "handler": {"type": "X"}""", "Malformed JSON" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "instances": "three"}""", "$.instances" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "instances": 1e100}""", "$.instances" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "instances": 99999999999999999999}""", "$.instances" },
        { """{"topics": "a", "handler": {"type": "X"}}""", "$.topics" },
        { """{"topics": ["a"], "handler": {"type": "X"}, "colour": "blue"}""", "colour" },
        { """{"topics": ["a"], "topics": ["b"], "handler": {"type": "X"}}""", "Malformed JSON" },
        { "[1, 2, 3]", "Malformed JSON" },
        { "null", "not null" },
        { "not json at all", "line 1" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Put_MalformedJson_400WithPosition_StoreUnchanged(string body, string expected)
    {
        await using var host = await ApiHost.StartAsync();
        var before = await host.SnapshotAsync();

        using var response = await host.PutAsync("c", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await ApiHost.ReadJsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [Fact]
    public async Task Put_InvalidUtf8InAHandlerSetting_400()
    {
        await using var host = await ApiHost.StartAsync();
        var body = System.Text.Encoding.UTF8.GetBytes("""{"topics": ["a"], "handler": {"type": "X", "settings": {"k": "?"}}}""");
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await host.Client.PutAsync("/api/v1/consumers/c", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", (await ApiHost.ReadJsonAsync(response)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(await host.Store.ListConsumersAsync());
    }

    [Fact]
    public async Task Put_DeepNesting_400()
    {
        await using var host = await ApiHost.StartAsync();
        var deep = """{"topics": ["a"], "handler": {"type": "X", "settings": {"k": """ + new string('[', 5000) + new string(']', 5000) + "}}}";
        using var response = await host.PutAsync("c", deep);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", (await ApiHost.ReadJsonAsync(response)).GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Put_BodyOver1MiB_413()
    {
        await using var host = await ApiHost.StartAsync();
        var huge = """{"topics": ["a"], "handler": {"type": "X", "settings": {"k": """ + "\"" + new string('x', 1024 * 1024) + "\"}}}";
        using var response = await host.PutAsync("c", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await host.Store.ListConsumersAsync());
    }

    [Fact]
    public async Task Put_ChunkedBodyOver1MiB_413()
    {
        await using var host = await ApiHost.StartAsync();
        var content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/consumers/c") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task Put_NotJson_415(string contentType)
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.PutAsync("/api/v1/consumers/c", ApiHost.Json(ApiHost.SimpleSpec, contentType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (await ApiHost.ReadJsonAsync(response)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(await host.Store.ListConsumersAsync());
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("a%2Fb")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task InvalidConsumerName_400(string name)
    {
        await using var host = await ApiHost.StartAsync();
        using var put = await host.PutAsync(name, ApiHost.SimpleSpec);
        using var get = await host.Client.GetAsync("/api/v1/consumers/" + name);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.True((await ApiHost.ReadJsonAsync(put)).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Empty(await host.Store.ListConsumersAsync());
    }

    [Fact]
    public async Task UnknownRoute_404ProblemJson()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_200WithLeaderFlag()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/health");
        var health = await ApiHost.ReadJsonAsync(response);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("leader").GetBoolean());
    }
}

public sealed class ApiValidationTests
{
    [Theory]
    [InlineData("orders", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("", false)]
    [InlineData("orders\n", false)]
    [InlineData("ünïcode", false)]
    public void IsConsumerName_FollowsTheRule(string name, bool valid) => Assert.Equal(valid, Sluice.Scheduler.Api.ApiValidation.IsConsumerName(name));
}
