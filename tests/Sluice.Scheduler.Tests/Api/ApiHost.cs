using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.State;

namespace Sluice.Scheduler.Tests.Api;

/// <summary>The REST API alone on a real Kestrel (127.0.0.1, port 0) over a <see cref="MemoryStateStore"/>.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public IStateStore Store => _app.Services.GetRequiredService<IStateStore>();

    public RecordingChangeSink Sink => _app.Services.GetRequiredService<RecordingChangeSink>();

    public OperationTracker Operations => _app.Services.GetRequiredService<OperationTracker>();

    public SchedulerEvents Events => _app.Services.GetRequiredService<SchedulerEvents>();

    /// <summary>Errors the host logged (what a 500 was about).</summary>
    public ErrorLog Errors => _app.Services.GetRequiredService<ErrorLog>();

    public ExecutorRegistry Registry => _app.Services.GetRequiredService<ExecutorRegistry>();

    public static async Task<ApiHost> StartAsync(string? apiToken = null, IApiLeadership? leadership = null, IStateStore? store = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        builder.Services.AddSingleton(errors);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(store ?? new MemoryStateStore());
        builder.Services.AddSingleton<RecordingChangeSink>();
        builder.Services.AddSingleton<IConsumerChangeSink>(sp => sp.GetRequiredService<RecordingChangeSink>());
        builder.Services.AddSingleton<ExecutorRegistry>();
        if (leadership is not null)
        {
            builder.Services.AddSingleton(leadership);
        }
        builder.Services.AddSluiceApi(o => o.ApiToken = apiToken);
        var app = builder.Build();
        app.UseSluiceApi();
        app.MapSluiceApi();
        await app.StartAsync();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.Urls.First()),
            Timeout = TimeSpan.FromSeconds(30),
        };
        return new ApiHost(app, client);
    }

    public static StringContent Json(string json, string contentType = "application/json") =>
        new(json, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    public Task<HttpResponseMessage> PutAsync(string name, string json) => Client.PutAsync("/api/v1/consumers/" + name, Json(json));

    public Task<HttpResponseMessage> ScaleAsync(string name, int instances) =>
        Client.PostAsync($"/api/v1/consumers/{name}/scale", Json($$"""{"instances": {{instances}}}"""));

    /// <summary>Everything the store holds about consumers, to compare before and after rejected requests.</summary>
    public async Task<string> SnapshotAsync()
    {
        var sb = new StringBuilder();
        foreach (var name in await Store.ListConsumersAsync())
        {
            var record = await Store.GetConsumerAsync(name);
            var ownership = await Store.GetOwnershipAsync(name);
            sb.Append(name).Append('@').Append(record?.Version).Append(':').Append(JsonSerializer.Serialize(record?.Value))
              .Append('|').Append(ownership?.Version).Append(JsonSerializer.Serialize(ownership?.Value)).Append('\n');
        }
        return sb.ToString();
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A minimal valid spec.</summary>
    public const string SimpleSpec = """{"topics": ["orders"], "handler": {"type": "Sluice.Samples.NoOp"}}""";

    /// <summary>A spec with every field set.</summary>
    public const string FullSpec = """
        {
          "topics": ["orders", "payments"],
          "groupId": "orders-group",
          "handler": {"type": "Acme.OrderHandler, Acme", "assembly": "Acme.dll", "settings": {"mode": "fast", "sleepMs": 5, "strict": true}},
          "version": "v7",
          "artifactUris": ["http://artifacts/acme-v7.tar.gz"],
          "resources": {"cpus": 0.5, "mem": 512},
          "instances": 3,
          "workers": 16,
          "ordering": "perKey",
          "failurePolicy": "deadLetterAndContinue",
          "deadLetterTopic": "orders-dlq",
          "constraints": [["hostname","UNIQUE"], ["rack","LIKE","a.*"], ["rack","CLUSTER","a"], ["rack","GROUP_BY"]]
        }
        """;
}

/// <summary>Records what the API told the engine.</summary>
internal sealed class RecordingChangeSink : IConsumerChangeSink
{
    private readonly Lock _gate = new();
    private readonly List<(string Name, ConsumerChange Change)> _changes = [];
    private readonly List<(string Name, int Instances, string OperationId)> _scales = [];

    public IReadOnlyList<(string Name, ConsumerChange Change)> Changes
    {
        get { lock (_gate) return [.. _changes]; }
    }

    public IReadOnlyList<(string Name, int Instances, string OperationId)> Scales
    {
        get { lock (_gate) return [.. _scales]; }
    }

    public int Count
    {
        get { lock (_gate) return _changes.Count + _scales.Count; }
    }

    public void ConsumerChanged(string name, ConsumerChange change)
    {
        lock (_gate) _changes.Add((name, change));
    }

    public void ScaleRequested(string name, int instances, string operationId)
    {
        lock (_gate) _scales.Add((name, instances, operationId));
    }
}

/// <summary>Keeps the errors a host logs.</summary>
internal sealed class ErrorLog : ILoggerProvider, ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _entries.Enqueue(formatter(state, exception) + " " + exception);
        }
    }

    public void Dispose()
    {
    }
}
