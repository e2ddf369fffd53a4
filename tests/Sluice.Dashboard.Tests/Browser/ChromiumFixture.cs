namespace Sluice.Dashboard.Tests.Browser;

/// <summary>One headless Chromium for the whole collection; each test opens its own tab.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private Chromium? _chromium;

    internal Chromium Browser => _chromium ?? throw new InvalidOperationException("Chromium is not started.");

    public async Task InitializeAsync() => _chromium = await Chromium.StartAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }
}

/// <summary>Browser tests share one Chromium and run one at a time (two cores, a browser and a scheduler each).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Browser";
}
