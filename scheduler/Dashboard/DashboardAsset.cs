using System.Security.Cryptography;

namespace Sluice.Scheduler.Dashboard;

/// <summary>
/// One file of the dashboard, read once from the scheduler assembly's embedded resources
/// (<c>scheduler/Dashboard/wwwroot/</c>, logical name <c>dashboard/&lt;file&gt;</c>), with its content type and a strong
/// ETag (a hash of the bytes), so a browser revalidates cheaply and sees a new scheduler's files at once.
/// </summary>
internal sealed record DashboardAsset(string Name, string ContentType, byte[] Content, string ETag)
{
    /// <exception cref="InvalidOperationException">The file is not embedded (the csproj's EmbeddedResource item is missing).</exception>
    public static DashboardAsset Load(string name, string contentType)
    {
        var resource = "dashboard/" + name;
        using var stream = typeof(DashboardAsset).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard file '{resource}' is not embedded in the scheduler assembly (see Sluice.Scheduler.csproj, Dashboard/wwwroot).");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
        return new DashboardAsset(name, contentType, content, etag);
    }
}
