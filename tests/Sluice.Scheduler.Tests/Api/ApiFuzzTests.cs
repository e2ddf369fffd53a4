using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Sluice.Scheduler.Tests.Api;

/// <summary>
/// Seeded random requests (<see cref="Requests"/>) at every endpoint (issue 11, "Bad input"): wrong types, missing fields, huge numbers, deep
/// JSON, random bytes, wrong content types, oversized bodies, bad paths. Never a 5xx, never a hang, and the store is
/// unchanged by every rejected request.
/// </summary>
public sealed class ApiFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>2,000 by default (≈5 s); <c>SLUICE_API_FUZZ_REQUESTS=10000</c> runs issue 11's long variant.</summary>
    private static readonly int Requests =
        int.TryParse(Environment.GetEnvironmentVariable("SLUICE_API_FUZZ_REQUESTS"), out var n) && n > 0 ? n : 2000;

    [Fact]
    public async Task Fuzz_ManyRequests_Never5xx_RejectedRequestsLeaveTheStoreUnchanged()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.FullSpec)).Dispose();
        (await host.PutAsync("simple", ApiHost.SimpleSpec)).Dispose();
        var random = new Random(20261128);
        var watch = Stopwatch.StartNew();
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Requests; i++)
        {
            // Keep targets alive: fuzzed DELETEs remove them now and then.
            foreach (var (name, spec) in new[] { ("orders", ApiHost.FullSpec), ("simple", ApiHost.SimpleSpec) })
            {
                if (await host.Store.GetConsumerAsync(name) is null)
                {
                    (await host.PutAsync(name, spec)).Dispose();
                }
            }
            using var request = Generate(random);
            var description = $"#{i} {request.Method} {request.RequestUri} ({request.Content?.Headers.ContentType})";
            var before = await host.SnapshotAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

            using var response = await host.Client.SendAsync(request, timeout.Token);
            await response.Content.ReadAsByteArrayAsync(timeout.Token);

            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                var body = request.Content is null ? "" : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync());
                Assert.Fail($"{description} answered {status}; body {ApiJsonSample(body)}; log: {string.Join(" | ", host.Errors.Entries)}");
            }
            if (status >= 400)
            {
                Assert.True(before == await host.SnapshotAsync(), $"{description} answered {status} but changed the store");
            }
            // Let the next scale through now and then, as the engine would finish operations.
            if (status == 202 && random.Next(2) == 0)
            {
                foreach (var operation in host.Operations.ForConsumer("orders").Concat(host.Operations.ForConsumer("simple")))
                {
                    host.Operations.MarkSucceeded(operation.Id);
                }
            }
        }

        output.WriteLine($"{Requests} requests in {watch.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60) * Math.Max(1, Requests / 2000), $"took {watch.Elapsed}");
        // Both sides of the fence were exercised.
        Assert.Contains(statuses.Keys, s => s is >= 200 and < 300);
        Assert.Contains(400, statuses.Keys);
        Assert.Contains(415, statuses.Keys);
        Assert.Contains(202, statuses.Keys);
        Assert.Contains(409, statuses.Keys);
    }

    [Fact]
    public async Task Fuzz_WithToken_EveryAnonymousMutation401_StoreUnchanged()
    {
        await using var host = await ApiHost.StartAsync(apiToken: "fuzz-token");
        var random = new Random(7);
        var before = await host.SnapshotAsync();

        for (var i = 0; i < 500; i++)
        {
            using var request = Generate(random);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await host.Client.SendAsync(request, timeout.Token);
            await response.Content.ReadAsByteArrayAsync(timeout.Token);

            var mutating = request.Method != HttpMethod.Get && request.Method != HttpMethod.Options;
            Assert.True((int)response.StatusCode < 500, $"#{i} {request.Method} {request.RequestUri} answered {(int)response.StatusCode}");
            if (mutating)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(0, host.Sink.Count);
    }

    private static string ApiJsonSample(string body) => body.Length <= 600 ? body : body[..600] + "…";

    private static readonly string[] Names = ["orders", "simple", "ghost", "new-one", "a", "x.y_z-9"];

    private static HttpRequestMessage Generate(Random random)
    {
        var name = random.Next(10) switch
        {
            0 => Uri.EscapeDataString(RandomText(random, random.Next(0, 80))),
            1 => new string('n', random.Next(60, 300)),
            _ => Names[random.Next(Names.Length)],
        };
        var (method, path) = random.Next(12) switch
        {
            0 => (HttpMethod.Get, "/api/v1/consumers"),
            1 => (HttpMethod.Get, "/api/v1/consumers/" + name),
            2 or 3 or 4 => (HttpMethod.Put, "/api/v1/consumers/" + name),
            5 => (HttpMethod.Delete, random.Next(4) == 0 ? "/api/v1/consumers/" + name : "/api/v1/consumers/ghost"),
            6 or 7 => (HttpMethod.Post, $"/api/v1/consumers/{name}/scale"),
            8 => (HttpMethod.Get, $"/api/v1/consumers/{name}/status"),
            9 => (HttpMethod.Get, "/api/v1/operations/" + name),
            10 => (RandomMethod(random), "/api/v1/" + Uri.EscapeDataString(RandomText(random, random.Next(0, 40))) + "/" + name),
            _ => (RandomMethod(random), "/api/v1/consumers/" + name + (random.Next(2) == 0 ? "/scale" : "")),
        };
        var request = new HttpRequestMessage(method, path + (random.Next(10) == 0 ? "?q=" + Uri.EscapeDataString(RandomText(random, 20)) : ""));
        if (method != HttpMethod.Get || random.Next(20) == 0)
        {
            var body = path.EndsWith("/scale", StringComparison.Ordinal) ? ScaleBody(random) : SpecBody(random);
            var content = new ByteArrayContent(body);
            var contentType = random.Next(8) switch
            {
                0 => null,
                1 => "text/plain",
                2 => "application/json; charset=utf-16",
                3 => "application/x-www-form-urlencoded",
                4 => "application/vnd.sluice+json",
                _ => "application/json",
            };
            if (contentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
            request.Content = content;
        }
        return request;
    }

    private static HttpMethod RandomMethod(Random random) =>
        new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Post, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options }[random.Next(6)];

    private static byte[] ScaleBody(Random random) => random.Next(8) switch
    {
        0 => RandomBytes(random),
        1 => Encoding.UTF8.GetBytes($$"""{"instances": {{RandomNumber(random)}}}"""),
        2 => Encoding.UTF8.GetBytes($$"""{"instances": "{{RandomText(random, 5)}}"}"""),
        3 => Encoding.UTF8.GetBytes("""{"instances": 2, "extra": true}"""),
        4 => Encoding.UTF8.GetBytes(Deep(random)),
        5 => [],
        _ => Encoding.UTF8.GetBytes($$"""{"instances": {{random.Next(-5, 1010)}}}"""),
    };

    private static byte[] SpecBody(Random random)
    {
        switch (random.Next(12))
        {
            case 0:
                return RandomBytes(random);
            case 1:
                return Encoding.UTF8.GetBytes(Deep(random));
            case 2:
                return [];
            case 3:
                return random.Next(10) == 0 ? new byte[1024 * 1024 + random.Next(1, 1000)] : Encoding.UTF8.GetBytes("{\"topics\": [\"" + new string('t', random.Next(200, 2000)) + "\"]}");
            case 4:
                // A valid spec with one byte flipped.
                var bytes = Encoding.UTF8.GetBytes(ApiHost.FullSpec);
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            default:
                return Encoding.UTF8.GetBytes(RandomSpec(random));
        }
    }

    /// <summary>A spec object whose fields are each present or not, right or wrong.</summary>
    private static string RandomSpec(Random random)
    {
        var fields = new List<string>();
        void Maybe(string field, params string[] values)
        {
            if (random.Next(5) != 0)
            {
                fields.Add($"\"{field}\": {values[random.Next(values.Length)]}");
            }
        }
        Maybe("topics", "[\"orders\"]", "[\"a\", \"b\"]", "[]", "\"orders\"", "[1]", "[\"bad topic\"]", "null", "[\"..\"]");
        Maybe("groupId", "\"g\"", "\"\"", "5", "null");
        Maybe("handler", "{\"type\": \"X\"}", "{\"type\": \"X\", \"settings\": {\"a\": 1, \"b\": true}}", "{}", "\"X\"", "{\"type\": \"X\", \"assembly\": \"../x\"}", "{\"type\": \"X\", \"settings\": {\"a\": [1]}}");
        Maybe("version", "\"v2\"", "\"v 2\"", "2");
        Maybe("artifactUris", "[\"http://a/b.tgz\"]", "[\"nope\"]", "{}");
        Maybe("resources", "{\"cpus\": 1, \"mem\": 128}", "{\"cpus\": -1, \"mem\": 128}", "{\"cpus\": 1e308, \"mem\": 1e400}", "{\"cpus\": \"1\"}", "{\"gpus\": 1}");
        Maybe("instances", RandomNumber(random), "\"3\"", "null", "[3]");
        Maybe("workers", RandomNumber(random), "1.5");
        Maybe("ordering", "\"perKey\"", "\"PERKEY\"", "\"sideways\"", "1");
        Maybe("failurePolicy", "\"retry\"", "\"deadLetterAndContinue\"", "\"explode\"");
        Maybe("deadLetterTopic", "\"dlq\"", "\"orders\"", "\"bad dlq\"");
        Maybe("constraints", "[[\"hostname\", \"UNIQUE\"]]", "[[\"rack\", \"LIKE\", \"(\"]]", "[[]]", "[[\"a\", \"MAX_PER\", \"x\"]]", "\"UNIQUE\"", "[[1, 2]]");
        if (random.Next(10) == 0)
        {
            fields.Add($"\"{RandomText(random, 6)}\": 1");
        }
        fields.Sort((_, _) => random.Next(-1, 2));
        return "{" + string.Join(", ", fields) + "}";
    }

    private static string RandomNumber(Random random) => random.Next(8) switch
    {
        0 => "99999999999999999999999",
        1 => "-2147483649",
        2 => "1e100",
        3 => "0.5",
        4 => "-1",
        _ => random.Next(0, 2000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Deep(Random random)
    {
        var depth = random.Next(20, 3000);
        var open = random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        return "{\"topics\": " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}";
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(4) == 0 ? (char)random.Next(0x20, 0x3000) : (char)random.Next(0x20, 0x7F);
            if (char.IsSurrogate(chars[i]))
            {
                chars[i] = 'x';
            }
        }
        return new string(chars);
    }
}
