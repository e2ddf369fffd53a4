using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Sluice.Dashboard.Tests.Browser;
using Sluice.Dashboard.Tests.World;
using Xunit.Abstractions;

namespace Sluice.Dashboard.Tests;

/// <summary>
/// What the dashboard must do in any world: the scenarios drive the REST API of <see cref="IDashboardWorld"/> and
/// watch a real headless Chromium show the change without a reload. A concrete class picks the world
/// (<see cref="SchedulerOnlyDashboardTests"/>); a world with running tasks adds its own scenarios beside these.
/// </summary>
public abstract class DashboardScenario(IDashboardWorld world, ChromiumFixture chromium, ITestOutputHelper output)
{
    protected IDashboardWorld World => world;

    [Fact]
    public async Task Consumer_put_and_scaled_through_the_api_shows_on_the_open_page_without_reload()
    {
        var name = UniqueName("orders");
        await WithPageAsync(async page =>
        {
            await page.NavigateAsync(world.Scheduler);
            await page.EvaluateAsync("window.loadedOnce = true");
            await WaitForLiveAsync(page);

            await PutConsumerAsync(name, instances: 1);
            var item = $"#consumers li[data-name={BrowserPage.Js(name)}]";
            await page.WaitForElementAsync(item, $"consumer {name}, created through the API, is listed");
            await page.ClickAsync(item + " a");
            await page.WaitForTextAsync("#c-name", name, "selecting the consumer shows it");
            await page.WaitForTextAsync("#c-desired", "1", "the desired instances are shown");
            await page.WaitForElementAsync(EventLine("consumer.created", name), "the creation appears in the event log");

            var scaled = await world.Api.PostAsJsonAsync($"api/v1/consumers/{name}/scale", new { instances = 3 });
            Assert.Equal(HttpStatusCode.Accepted, scaled.StatusCode);

            await page.WaitForTextAsync("#c-desired", "3", "the desired instances follow the scale");
            await page.WaitForAsync("[...document.querySelectorAll('#operations li')].some(li => li.textContent.includes('scale to 3'))",
                "the scale operation is listed");
            await page.WaitForElementAsync(EventLine("operation.pending", name), "the operation's event appears in the event log");
            Assert.Equal(true, (await page.EvaluateAsync("window.loadedOnce === true"))?.GetValue<bool>());
            Assert.Equal(true, (await page.EvaluateAsync("document.getElementById('deployment').hidden"))?.GetValue<bool>());

            await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "dashboard.png"));
            Assert.Empty(page.Problems);
        });
    }

    [Fact]
    public async Task Scale_from_the_page_without_the_token_shows_the_problem_and_with_it_succeeds()
    {
        var name = UniqueName("payments");
        await PutConsumerAsync(name, instances: 1);
        await WithPageAsync(async page =>
        {
            await OpenConsumerAsync(page, name);
            await page.WaitForTextAsync("#c-desired", "1", "the desired instances are shown");

            await page.FillAsync("#scale-instances", "2");
            await page.ClickAsync("#scale-form button");
            await page.WaitForTextAsync("#error-title", "Unauthorized", "the API's problem title is shown");
            Assert.False((await page.EvaluateAsync("document.getElementById('error').hidden"))?.GetValue<bool>());
            Assert.Contains("Bearer", await page.TextAsync("#error-detail"), StringComparison.Ordinal);

            await page.FillAsync("#token", world.ApiToken);
            await page.ClickAsync("#token-form button");
            Assert.Equal(world.ApiToken, (await page.EvaluateAsync("sessionStorage.getItem('sluice.apiToken')"))?.GetValue<string>());
            await page.ClickAsync("#error-close");
            await page.FillAsync("#scale-instances", "2");
            await page.ClickAsync("#scale-form button");

            await page.WaitForTextAsync("#c-desired", "2", "the scale sent with the token is shown");
            Assert.True((await page.EvaluateAsync("document.getElementById('error').hidden"))?.GetValue<bool>());
            var consumer = await world.Api.GetFromJsonAsync<ConsumerView>($"api/v1/consumers/{name}");
            Assert.Equal(2, consumer!.Instances);
            Assert.Empty(page.Problems);
        });
    }

    [Fact]
    public async Task Consumer_deleted_through_the_api_leaves_the_list_and_the_view()
    {
        var name = UniqueName("refunds");
        await PutConsumerAsync(name, instances: 1);
        await WithPageAsync(async page =>
        {
            await OpenConsumerAsync(page, name);

            Assert.Equal(HttpStatusCode.NoContent, (await world.Api.DeleteAsync($"api/v1/consumers/{name}")).StatusCode);

            await page.WaitForNoElementAsync($"#consumers li[data-name={BrowserPage.Js(name)}]", "the deleted consumer leaves the list");
            await page.WaitForAsync($"document.getElementById('c-name').textContent !== {BrowserPage.Js(name)} || document.getElementById('consumer').hidden",
                "the deleted consumer is no longer shown");
            Assert.Empty(page.Problems);
        });
    }

    [Theory]
    [InlineData("/", "text/html; charset=utf-8")]
    [InlineData("/dashboard/app.js", "text/javascript; charset=utf-8")]
    [InlineData("/dashboard/app.css", "text/css; charset=utf-8")]
    public async Task Dashboard_file_is_served_with_its_type_revalidation_and_a_strict_policy(string path, string contentType)
    {
        using var http = new HttpClient { BaseAddress = world.Scheduler };

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        using var weak = new HttpRequestMessage(HttpMethod.Get, path);
        weak.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(response.Headers.ETag!.Tag, isWeak: true));
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(weak)).StatusCode);
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(contentType, head.Content.Headers.ContentType?.ToString());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Page_has_no_inline_script_or_style_and_loads_only_its_own_files()
    {
        using var http = new HttpClient { BaseAddress = world.Scheduler };

        var html = await http.GetStringAsync("/");

        Assert.Matches("<script src=\"/dashboard/app.js\"", html);
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
    }

    /// <summary>Creates or replaces a consumer through the REST API.</summary>
    protected async Task PutConsumerAsync(string name, int instances)
    {
        var response = await world.Api.PutAsJsonAsync($"api/v1/consumers/{name}", new
        {
            topics = new[] { name + "-topic" },
            handler = new { type = "Sluice.Samples.Sleep" },
            instances,
        });
        Assert.True(response.IsSuccessStatusCode, $"PUT consumer {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Opens the page at the consumer's address and waits until it shows the consumer and follows the event stream.</summary>
    private protected async Task OpenConsumerAsync(BrowserPage page, string name)
    {
        await page.NavigateAsync(new Uri(world.Scheduler, "/#/consumers/" + name));
        await page.WaitForTextAsync("#c-name", name, "the consumer named in the address is shown");
        await WaitForLiveAsync(page);
    }

    private protected static Task WaitForLiveAsync(BrowserPage page) =>
        page.WaitForAsync("document.getElementById('stream').dataset.state === 'live'", "the page subscribes to the event stream");

    /// <summary>Opens a tab and runs <paramref name="test"/> in it (diagnostics on failure).</summary>
    private protected Task WithPageAsync(Func<BrowserPage, Task> test, [CallerMemberName] string testName = "") =>
        PageRun.WithPageAsync(chromium, world, output, testName, test);

    protected static string EventLine(string type, string consumer) =>
        $"#events li[data-type={BrowserPage.Js(type)}][data-consumer={BrowserPage.Js(consumer)}]";

    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private sealed record ConsumerView(string Name, int Instances);
}
