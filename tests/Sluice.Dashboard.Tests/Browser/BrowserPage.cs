using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Testing;

namespace Sluice.Dashboard.Tests.Browser;

/// <summary>
/// One tab of <see cref="Chromium"/>, reached through its DevTools session. It records what a person would see in the
/// console: script exceptions, <c>console.error</c>, and the browser's own errors (a Content-Security-Policy
/// violation among them) in <see cref="Problems"/>; failed requests (a 404 the page expects) go to <see cref="Console"/> only.
/// </summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private readonly Chromium _browser;
    private readonly string _targetId;
    private readonly string _sessionId;

    internal BrowserPage(Chromium browser, string targetId, string sessionId)
    {
        _browser = browser;
        _targetId = targetId;
        _sessionId = sessionId;
        _browser.Connection.EventReceived += OnEvent;
    }

    /// <summary>Script exceptions, console errors, CSP violations: what a correct page never shows.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Everything the console showed, for diagnostics.</summary>
    public ConcurrentQueue<string> Console { get; } = new();

    internal async Task InitializeAsync(int width, int height)
    {
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
        await SendAsync("Page.enable");
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        });
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document and its deferred script have loaded.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        if (result["errorText"]?.GetValue<string>() is { Length: > 0 } error)
        {
            throw new InvalidOperationException($"Chromium could not open {url}: {error}");
        }
        await WaitForAsync("document.readyState === 'complete'", $"{url} loads");
    }

    /// <summary>Evaluates a JavaScript expression (awaiting a promise) and returns its JSON value, or null.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true,
        });
        if (result["exceptionDetails"] is JsonObject exception)
        {
            throw new InvalidOperationException($"The page threw evaluating `{expression}`: {exception["exception"]?["description"] ?? exception["text"]}");
        }
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Waits until the expression is true, failing with <paramref name="because"/> and the console's last lines otherwise.</summary>
    public async Task WaitForAsync(string expression, string because, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.TrueAsync(async () => (await EvaluateAsync(expression)) is JsonValue value && value.TryGetValue(out bool b) && b,
                timeout ?? DefaultWait, because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}  waited for: {expression}{Environment.NewLine}  console: {string.Join(" | ", Console.TakeLast(10))}", ex);
        }
    }

    /// <summary>The trimmed text of the first element matching <paramref name="selector"/>, or null when there is none.</summary>
    public async Task<string?> TextAsync(string selector) =>
        (await EvaluateAsync($"document.querySelector({Js(selector)})?.textContent.trim() ?? null"))?.GetValue<string>();

    /// <summary>Waits until the element's trimmed text equals <paramref name="expected"/>.</summary>
    public Task WaitForTextAsync(string selector, string expected, string because) =>
        WaitForAsync($"document.querySelector({Js(selector)})?.textContent.trim() === {Js(expected)}", because);

    public Task WaitForElementAsync(string selector, string because) =>
        WaitForAsync($"document.querySelector({Js(selector)}) !== null", because);

    public Task WaitForNoElementAsync(string selector, string because) =>
        WaitForAsync($"document.querySelector({Js(selector)}) === null", because);

    /// <summary>Clicks the element (<c>HTMLElement.click()</c>: the click and submit handlers a person's click runs).</summary>
    public async Task ClickAsync(string selector)
    {
        var found = await EvaluateAsync($"(() => {{ const e = document.querySelector({Js(selector)}); if (!e) return false; e.scrollIntoView(); e.click(); return true; }})()");
        if (found?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"No element matches {selector} to click.");
        }
    }

    /// <summary>Focuses the input and types <paramref name="text"/> into it, replacing its value.</summary>
    public async Task FillAsync(string selector, string text)
    {
        var found = await EvaluateAsync($"(() => {{ const e = document.querySelector({Js(selector)}); if (!e) return false; e.focus(); e.select(); return true; }})()");
        if (found?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"No input matches {selector} to fill.");
        }
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
    }

    /// <summary>Saves a PNG of the whole page (beyond the viewport) to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics");
        var size = metrics["cssContentSize"] ?? metrics["contentSize"];
        var clip = new JsonObject
        {
            ["x"] = 0, ["y"] = 0, ["scale"] = 1,
            ["width"] = Math.Ceiling(size!["width"]!.GetValue<double>()),
            ["height"] = Math.Ceiling(size["height"]!.GetValue<double>()),
        };
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true, ["clip"] = clip });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    /// <summary>A JavaScript string literal of <paramref name="text"/>.</summary>
    public static string Js(string text) => JsonSerializer.Serialize(text);

    private Task<JsonObject> SendAsync(string method, JsonObject? parameters = null) => _browser.Connection.SendAsync(method, parameters, _sessionId);

    private void OnEvent(string method, JsonObject parameters, string? sessionId)
    {
        if (sessionId != _sessionId)
        {
            return;
        }
        switch (method)
        {
            case "Runtime.exceptionThrown":
                var details = parameters["exceptionDetails"];
                Record(true, $"exception: {details?["exception"]?["description"] ?? details?["text"]}");
                break;
            case "Runtime.consoleAPICalled":
                var type = parameters["type"]?.GetValue<string>();
                var args = parameters["args"] is JsonArray list ? string.Join(" ", list.Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString())) : "";
                Record(type == "error" || type == "assert", $"console.{type}: {args}");
                break;
            case "Log.entryAdded":
                var entry = parameters["entry"];
                var source = entry?["source"]?.GetValue<string>();
                var level = entry?["level"]?.GetValue<string>();
                Record(level == "error" && source != "network", $"{source} {level}: {entry?["text"]} {entry?["url"]}");
                break;
        }
    }

    private void Record(bool problem, string line)
    {
        Console.Enqueue(line);
        if (problem)
        {
            Problems.Enqueue(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _browser.Connection.EventReceived -= OnEvent;
        try
        {
            await _browser.Connection.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = _targetId });
        }
        catch (InvalidOperationException)
        {
            // Chromium already gone: nothing to close.
        }
    }
}
