using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// The official Mesos v1 protos as Debian ships them (golang-github-mesos-mesos-go-dev, which
/// imports gogo.proto from golang-github-gogo-protobuf-dev), driven through <c>protoc</c>.
/// </summary>
/// <remarks>
/// mesos-go's copies keep Mesos' message names and numbers but use the packages <c>mesos</c>,
/// <c>mesos.scheduler</c> and <c>mesos.executor</c> where Mesos (and Sluice) use
/// <c>mesos.v1...</c>; package names never reach the wire. When anything is missing the tests
/// fail, saying how to install it: conformance is never skipped.
/// </remarks>
internal sealed class OfficialMesosProtos
{
    public const string GoSourceRoot = "/usr/share/gocode/src";
    public const string MesosLibDirectory = "github.com/mesos/mesos-go/api/v1/lib";
    public const string GogoProto = "github.com/gogo/protobuf/gogoproto/gogo.proto";

    private static readonly Lazy<OfficialMesosProtos> Instance = new(Locate);

    private OfficialMesosProtos(string protoc) => Protoc = protoc;

    public string Protoc { get; }

    public static OfficialMesosProtos Get() => Instance.Value;

    /// <summary>Official file (relative to <see cref="GoSourceRoot"/>) and full name of a message of ours.</summary>
    public static (string File, string TypeName) OfficialTypeOf(MessageDescriptor ours)
    {
        const string prefix = "mesos.v1.";
        if (!ours.FullName.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{ours.FullName} is not a Mesos v1 message.", nameof(ours));
        }

        string official = "mesos." + ours.FullName[prefix.Length..];
        string file = official.StartsWith("mesos.scheduler.", StringComparison.Ordinal) ? "scheduler/scheduler.proto"
            : official.StartsWith("mesos.executor.", StringComparison.Ordinal) ? "executor/executor.proto"
            : "mesos.proto";
        return ($"{MesosLibDirectory}/{file}", official);
    }

    /// <summary><c>protoc --decode</c>: the official schema's reading of <paramref name="bytes"/>, as text format.</summary>
    public async Task<string> DecodeAsync(MessageDescriptor ours, byte[] bytes)
    {
        var (file, type) = OfficialTypeOf(ours);
        var (stdout, _) = await RunAsync([$"-I{GoSourceRoot}", $"--decode={type}", file], bytes);
        return Encoding.UTF8.GetString(stdout);
    }

    /// <summary><c>protoc --encode</c>: the official schema's encoding of <paramref name="text"/>.</summary>
    public async Task<byte[]> EncodeAsync(MessageDescriptor ours, string text)
    {
        var (file, type) = OfficialTypeOf(ours);
        var (stdout, _) = await RunAsync([$"-I{GoSourceRoot}", $"--encode={type}", file], Encoding.UTF8.GetBytes(text));
        return stdout;
    }

    /// <summary>The official files (and their imports) as a descriptor set.</summary>
    public async Task<FileDescriptorSet> DescriptorSetAsync()
    {
        string output = Path.Combine(Path.GetTempPath(), $"sluice-mesos-official-{Guid.NewGuid():N}.pb");
        try
        {
            await RunAsync(
                [$"-I{GoSourceRoot}", "--include_imports", $"--descriptor_set_out={output}",
                 $"{MesosLibDirectory}/mesos.proto", $"{MesosLibDirectory}/scheduler/scheduler.proto", $"{MesosLibDirectory}/executor/executor.proto"],
                []);
            return FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    private async Task<(byte[] Stdout, string Stderr)> RunAsync(IReadOnlyList<string> arguments, byte[] stdin)
    {
        var start = new ProcessStartInfo(Protoc)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Protoc}.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, deadline.Token);
        var readErr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.StandardInput.BaseStream.WriteAsync(stdin, deadline.Token);
        process.StandardInput.Close();
        await Task.WhenAll(copyOut, readErr, process.WaitForExitAsync(deadline.Token));
        string stderr = await readErr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"protoc {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr}");
        }

        return (stdout.ToArray(), stderr);
    }

    private static OfficialMesosProtos Locate()
    {
        const string hint = "Run ./test.sh, which installs protobuf-compiler, golang-github-mesos-mesos-go-dev and golang-github-gogo-protobuf-dev (scripts/prereqs.sh), or install them with apt-get.";
        string? protoc = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "protoc"))
            .FirstOrDefault(File.Exists);
        if (protoc is null)
        {
            throw new InvalidOperationException($"protoc is not on PATH, so the Mesos conformance tests cannot run. {hint}");
        }

        foreach (var file in new[] { $"{MesosLibDirectory}/mesos.proto", $"{MesosLibDirectory}/scheduler/scheduler.proto", $"{MesosLibDirectory}/executor/executor.proto", GogoProto })
        {
            string path = Path.Combine(GoSourceRoot, file);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The official proto {path} is missing, so the Mesos conformance tests cannot run. {hint}");
            }
        }

        return new OfficialMesosProtos(protoc);
    }
}
