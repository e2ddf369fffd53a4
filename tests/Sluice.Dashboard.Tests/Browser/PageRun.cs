using Sluice.Dashboard.Tests.World;
using Xunit.Abstractions;

namespace Sluice.Dashboard.Tests.Browser;

/// <summary>Runs a test in a fresh tab; on failure leaves a screenshot and writes the console and the world's logs to the test output.</summary>
internal static class PageRun
{
    public static async Task WithPageAsync(ChromiumFixture chromium, IDashboardWorld world, ITestOutputHelper output, string testName, Func<BrowserPage, Task> test)
    {
        await using var page = await chromium.Browser.OpenPageAsync();
        try
        {
            await test(page);
        }
        catch
        {
            var shot = Path.Combine(AppContext.BaseDirectory, $"failure-{testName}.png");
            try
            {
                await page.ScreenshotAsync(shot);
                output.WriteLine($"screenshot: {shot}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                output.WriteLine($"no screenshot: {ex.Message}");
            }
            output.WriteLine("browser console:" + Environment.NewLine + string.Join(Environment.NewLine, page.Console));
            output.WriteLine(world.Diagnostics());
            throw;
        }
    }
}
