using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Sluice.Local.Kafka;

/// <summary>
/// Loads the one native librdkafka this process uses, the same file Confluent.Kafka loads,
/// and points this assembly's <c>rdkafka</c> imports at it.
/// </summary>
/// <remarks>
/// librdkafka.redist ships several builds. On Debian the default <c>librdkafka.so</c> needs
/// <c>libsasl2.so.3</c>, which Debian does not have, and Confluent.Kafka falls back to
/// <c>centos8-librdkafka.so</c>. Two different librdkafka copies in one process would each have
/// their own globals, so the mock cluster's handle would be foreign to the clients: we let
/// Confluent.Kafka load first and then resolve our imports to exactly the file it mapped.
/// </remarks>
internal static class RdKafkaLibrary
{
    internal const string ImportName = "rdkafka";

    private static readonly Lazy<IntPtr> Handle = new(LoadSameAsConfluent, LazyThreadSafetyMode.ExecutionAndPublication);

    static RdKafkaLibrary()
    {
        NativeLibrary.SetDllImportResolver(typeof(RdKafkaLibrary).Assembly, Resolve);
    }

    /// <summary>Makes sure the library is loaded; throws <see cref="EmbeddedKafkaException"/> with the reason otherwise.</summary>
    internal static void EnsureLoaded() => _ = Handle.Value;

    /// <summary>The path of the librdkafka file in use, for diagnostics.</summary>
    internal static string? LoadedPath { get; private set; }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == ImportName ? Handle.Value : IntPtr.Zero;

    private static IntPtr LoadSameAsConfluent()
    {
        string confluentVersion;
        try
        {
            // Forces Confluent.Kafka to pick and load its native library.
            confluentVersion = Library.VersionString;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new EmbeddedKafkaException(
                "The native librdkafka shipped by the librdkafka.redist package could not be loaded " +
                $"(looked under {Path.Combine(AppContext.BaseDirectory, "runtimes")}). " +
                "On Debian the default build needs libsasl2.so.3; Confluent.Kafka then uses centos8-librdkafka.so, " +
                "which must be present in the output folder. Cause: " + ex.Message, ex);
        }

        var candidates = new List<string>();
        var mapped = FindMappedLibrary();
        if (mapped is not null)
        {
            candidates.Add(mapped);
        }

        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        candidates.Add(Path.Combine(native, "librdkafka.so"));
        candidates.Add(Path.Combine(native, "centos8-librdkafka.so"));

        var errors = new List<string>();
        foreach (var path in candidates.Distinct())
        {
            if (NativeLibrary.TryLoad(path, out var handle))
            {
                LoadedPath = path;
                return handle;
            }
            errors.Add(path);
        }

        throw new EmbeddedKafkaException(
            $"Confluent.Kafka loaded librdkafka {confluentVersion}, but the same file could not be opened for the mock " +
            $"cluster API. Tried: {string.Join(", ", errors)}.");
    }

    /// <summary>The path of the librdkafka Confluent.Kafka mapped into this process, read from /proc/self/maps.</summary>
    private static string? FindMappedLibrary()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }
            var path = line[slash..].Trim();
            if (Path.GetFileName(path).Contains("rdkafka", StringComparison.Ordinal) && path.EndsWith(".so", StringComparison.Ordinal))
            {
                return path;
            }
        }
        return null;
    }
}
