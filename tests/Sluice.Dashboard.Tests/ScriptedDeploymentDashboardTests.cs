using Sluice.Dashboard.Tests.Browser;
using Sluice.Dashboard.Tests.World;
using Xunit.Abstractions;

namespace Sluice.Dashboard.Tests;

/// <summary>
/// The panels that need running tasks, owned partitions and a deployment — the partition grid, the charts and the
/// deployment controls — against <see cref="ScriptedApiWorld"/>, until the engine produces them in a local world.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScriptedDeploymentDashboardTests(ScriptedApiWorld world, ChromiumFixture chromium, ITestOutputHelper output)
    : IClassFixture<ScriptedApiWorld>
{
    [Fact]
    public Task Deployment_halfway_shows_grid_by_version_charts_and_gates_and_promote_sends_the_token() =>
        PageRun.WithPageAsync(chromium, world, output, nameof(Deployment_halfway_shows_grid_by_version_charts_and_gates_and_promote_sends_the_token), async page =>
        {
            await page.NavigateAsync(world.Scheduler);
            await page.WaitForTextAsync("#c-name", ScriptedApiWorld.Consumer, "the only consumer is selected");

            await page.WaitForAsync("document.querySelectorAll('#partitions .cell').length === 24", "one cell per partition");
            Assert.Equal(12, (await page.EvaluateAsync("document.querySelectorAll('#partitions .cell[data-version=\"v2\"]').length"))?.GetValue<int>());
            var colours = await page.EvaluateAsync(
                "[...new Set([...document.querySelectorAll('#partitions .cell')].filter(c => c.dataset.partition % 5 !== 0 && c.dataset.partition % 3 !== 0).map(c => c.dataset.version + ' ' + c.style.backgroundColor))].length");
            Assert.Equal(2, colours?.GetValue<int>()); // partitions without lag: one colour per version
            Assert.Equal(4, (await page.EvaluateAsync("document.querySelectorAll('#tasks tr').length"))?.GetValue<int>());

            await page.WaitForAsync("!document.getElementById('deployment').hidden", "the deployment panel is shown");
            await page.WaitForTextAsync("#d-status", "waitingForPromotion", "the deployment's status is shown");
            await page.WaitForTextAsync("#d-versions", "v1 → v2", "the deployment's versions are shown");
            Assert.StartsWith("Step 2 of 3: 50% of partitions on v2", await page.TextAsync("#d-step"), StringComparison.Ordinal);
            Assert.Contains("v2: 12 (50%)", await page.TextAsync("#d-share-legend"), StringComparison.Ordinal);
            Assert.Equal(3, (await page.EvaluateAsync("document.querySelectorAll('#d-gates tr').length"))?.GetValue<int>());
            Assert.Equal(false, (await page.EvaluateAsync("document.querySelector('[data-action=promote]').disabled"))?.GetValue<bool>());
            Assert.Equal(true, (await page.EvaluateAsync("document.querySelector('[data-action=resume]').disabled"))?.GetValue<bool>());

            // Throughput needs two polls (2 s apart) of growing committed offsets; a few more make a line worth a look.
            await page.WaitForAsync("/records\\/s$/.test(document.getElementById('throughput-now').textContent)", "throughput from committed offsets", TimeSpan.FromSeconds(30));
            await page.WaitForAsync("/records$/.test(document.getElementById('lag-now').textContent)", "the total lag", TimeSpan.FromSeconds(30));
            await page.WaitForAsync("document.getElementById('throughput').dataset.points >= 4", "four throughput points", TimeSpan.FromSeconds(30));
            await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "dashboard-deployment.png"));

            await page.FillAsync("#token", world.ApiToken);
            await page.ClickAsync("#token-form button");
            await page.ClickAsync("[data-action=promote]");
            await page.WaitForTextAsync("#d-status", "inProgress", "the promotion shows, from its event");
            Assert.Contains(world.Actions, a => a.Action == "promote" && a.Authorization == "Bearer " + world.ApiToken);
            await page.WaitForElementAsync("#events li[data-type='deployment.promote']", "the deployment event appears in the event log");
            Assert.Empty(page.Problems);
        });
}
