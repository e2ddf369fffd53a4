using System.Globalization;
using System.Text.Json;

namespace Sluice.Scheduler.Detection;

/// <summary>
/// Reads the leading master's address from the MasterInfo JSON a Mesos master writes into its
/// <c>json.info_&lt;seq&gt;</c> node: <c>address.{hostname, ip, port}</c>, falling back to the top-level
/// <c>hostname</c>/<c>port</c> and then to <c>pid</c> (<c>master@ip:port</c>).
/// </summary>
internal static class MasterInfoJson
{
    /// <summary>The master's base URL (<c>http://host:port/</c>); throws <see cref="FormatException"/> when no address can be read.</summary>
    public static Uri ParseLeaderUrl(ReadOnlySpan<byte> json, bool preferIpAddress)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            string? host = null;
            int? port = null;
            if (root.TryGetProperty("address", out var address) && address.ValueKind == JsonValueKind.Object)
            {
                var hostname = String(address, "hostname");
                var ip = String(address, "ip");
                host = preferIpAddress ? ip ?? hostname : hostname ?? ip;
                port = Int(address, "port");
            }

            host ??= String(root, "hostname");
            port ??= Int(root, "port");
            if ((host is null || port is null) && String(root, "pid") is { } pid)
            {
                // "master@10.0.0.5:5050"
                var at = pid.IndexOf('@', StringComparison.Ordinal);
                var colon = pid.LastIndexOf(':');
                if (at >= 0 && colon > at && int.TryParse(pid[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pidPort))
                {
                    host ??= pid[(at + 1)..colon];
                    port ??= pidPort;
                }
            }

            if (string.IsNullOrEmpty(host) || port is null or <= 0 or > 65535) throw new FormatException("MasterInfo JSON has no usable address.");
            return new UriBuilder(Uri.UriSchemeHttp, host, port.Value, "/").Uri;
        }
        catch (JsonException e)
        {
            throw new FormatException($"MasterInfo is not valid JSON: {e.Message}", e);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
