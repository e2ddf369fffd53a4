namespace Sluice.Scheduler.Api;

/// <summary>Settings of the REST API, set by the host through <c>AddSluiceApi(o =&gt; …)</c>.</summary>
internal sealed class SluiceApiOptions
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Bearer token every mutating request (PUT, POST, DELETE) must carry; null or empty = no check.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    /// <value>Default 1 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>How often the event stream sends a keep-alive comment when nothing happens.</summary>
    /// <value>Default 15 s.</value>
    public TimeSpan EventKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Completed operations kept for polling (oldest forgotten first).</summary>
    /// <value>Default 1,000.</value>
    public int RetainedOperations { get; set; } = 1000;
}
