using Sluice.Proto.Mesos.V1;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// How agents start Sluice's executor: either a package URL the agent fetches into the sandbox
/// (<c>--executor http://…/sluice-executor.tar.gz</c>, which must unpack to <c>sluice-executor/</c>),
/// or a path to <c>sluice-executor.dll</c> that exists on every agent (one machine, tests).
/// </summary>
internal sealed class ExecutorArtifact
{
    private const string ExecutorDll = "sluice-executor.dll";

    private ExecutorArtifact(string? packageUri, string? dllPath, string dotnet)
    {
        PackageUri = packageUri;
        DllPath = dllPath;
        Dotnet = dotnet;
    }

    public string? PackageUri { get; }

    public string? DllPath { get; }

    /// <summary>The dotnet host the command runs.</summary>
    public string Dotnet { get; }

    /// <summary>From <c>--executor</c>; when unset, the executor built beside the scheduler or in this repository.</summary>
    /// <exception cref="FileNotFoundException">No executor was given and none is found.</exception>
    public static ExecutorArtifact Resolve(string? setting)
    {
        var dotnet = DotnetHost();
        if (setting is { Length: > 0 } && (setting.StartsWith("http://", StringComparison.Ordinal) || setting.StartsWith("https://", StringComparison.Ordinal)))
        {
            return new ExecutorArtifact(setting, null, dotnet);
        }
        if (setting is { Length: > 0 })
        {
            var path = Directory.Exists(setting) ? Path.Combine(setting, ExecutorDll) : setting;
            return File.Exists(path)
                ? new ExecutorArtifact(null, Path.GetFullPath(path), dotnet)
                : throw new FileNotFoundException($"--executor '{setting}': no {ExecutorDll} there.", path);
        }
        return new ExecutorArtifact(null, Discover(), dotnet);
    }

    public CommandInfo Command(IEnumerable<string> artifactUris)
    {
        var command = new CommandInfo();
        if (PackageUri is not null)
        {
            command.Uris.Add(new CommandInfo.Types.URI { Value = PackageUri, Extract = true, Cache = true });
            command.Shell = true;
            command.Value = $"exec \"{Dotnet}\" sluice-executor/{ExecutorDll}";
        }
        else
        {
            command.Shell = false;
            command.Value = Dotnet;
            command.Arguments.AddRange(["dotnet", DllPath!]);
        }
        // Executors are judged by their pauses: no instrumented tier (dynamic PGO) re-compiling hot paths
        // while partitions are being handed to them.
        command.Environment = new Proto.Mesos.V1.Environment();
        command.Environment.Variables.Add(new Proto.Mesos.V1.Environment.Types.Variable { Name = "DOTNET_TieredPGO", Value = "0" });
        foreach (var uri in artifactUris)
        {
            command.Uris.Add(new CommandInfo.Types.URI { Value = uri, Extract = true });
        }
        return command;
    }

    private static string Discover()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "executor", ExecutorDll);
        if (File.Exists(beside))
        {
            return beside;
        }
        // A build tree: the executor project's output of the same configuration as this scheduler.
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                var built = Path.Combine(dir.FullName, "executor", "bin", configuration, "net10.0", ExecutorDll);
                if (File.Exists(built))
                {
                    return built;
                }
                break;
            }
        }
        throw new FileNotFoundException(
            $"No executor found: give --executor (a path to {ExecutorDll} on the agents, or the URL of a sluice-executor package).", beside);
    }

    private static string DotnetHost()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
        {
            return host;
        }
        if (System.Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return "/usr/bin/dotnet";
    }
}
