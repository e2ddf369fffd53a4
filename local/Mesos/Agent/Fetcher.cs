using System.Formats.Tar;
using System.IO.Compression;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos.Agent;

/// <summary>A URI could not be fetched into the sandbox.</summary>
internal sealed class FetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Mesos' fetcher, the parts a local world needs: <c>file://</c> URIs and plain paths are copied,
/// <c>http(s)://</c> URLs downloaded, into the sandbox (as <c>output_file</c> or the URI's base
/// name); archives (.tar.gz, .tgz, .tar, .zip) are extracted there when <c>extract</c> (default
/// true); <c>executable</c> makes the file executable (and is never extracted, as in Mesos).
/// The fetcher cache is not modelled (<c>cache</c> is ignored).
/// </summary>
internal static class Fetcher
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    public static async Task FetchAsync(IEnumerable<CommandInfo.Types.URI> uris, string sandbox, CancellationToken cancellationToken)
    {
        foreach (var uri in uris)
        {
            await FetchOneAsync(uri, sandbox, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task FetchOneAsync(CommandInfo.Types.URI uri, string sandbox, CancellationToken cancellationToken)
    {
        var value = uri.Value;
        var isHttp = value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        string sourcePath = value;
        if (value.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            sourcePath = Uri.UnescapeDataString(new Uri(value).AbsolutePath);
        }
        else if (!isHttp && value.Contains("://", StringComparison.Ordinal))
        {
            throw new FetchException($"Failed to fetch '{value}': unsupported scheme (the local agent fetches file:// paths and http(s):// URLs)");
        }
        var name = uri.HasOutputFile && uri.OutputFile.Length > 0
            ? uri.OutputFile
            : Path.GetFileName(isHttp ? new Uri(value).AbsolutePath : sourcePath);
        if (string.IsNullOrEmpty(name))
        {
            throw new FetchException($"Failed to fetch '{value}': no file name to store it under");
        }
        var target = Path.Combine(sandbox, name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            if (isHttp)
            {
                using var response = await Http.GetAsync(value, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new FetchException($"Failed to fetch '{value}': HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                await using var file = File.Create(target);
                await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var path = Path.IsPathRooted(sourcePath) ? sourcePath : Path.GetFullPath(sourcePath);
                if (!File.Exists(path))
                {
                    throw new FetchException($"Failed to fetch '{value}': {path} does not exist");
                }
                File.Copy(path, target, overwrite: true);
            }

            if (uri.Executable && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
            else if (uri.Extract)
            {
                await ExtractAsync(target, sandbox, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or UnauthorizedAccessException or InvalidDataException or TaskCanceledException)
        {
            throw new FetchException($"Failed to fetch '{value}': {ex.Message}", ex);
        }
    }

    private static async Task ExtractAsync(string archive, string sandbox, CancellationToken cancellationToken)
    {
        var lower = archive.ToLowerInvariant();
        if (lower.EndsWith(".tar.gz", StringComparison.Ordinal) || lower.EndsWith(".tgz", StringComparison.Ordinal))
        {
            await using var file = File.OpenRead(archive);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await TarFile.ExtractToDirectoryAsync(gzip, sandbox, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        }
        else if (lower.EndsWith(".tar", StringComparison.Ordinal))
        {
            await TarFile.ExtractToDirectoryAsync(archive, sandbox, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        }
        else if (lower.EndsWith(".zip", StringComparison.Ordinal))
        {
            ZipFile.ExtractToDirectory(archive, sandbox, overwriteFiles: true);
        }
    }
}
