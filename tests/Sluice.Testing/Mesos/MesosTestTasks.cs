using Sluice.Proto.Mesos.V1;

namespace Sluice.Testing.Mesos;

/// <summary>Pieces of TaskInfos that tests launch on the local Mesos world.</summary>
public static class MesosTestTasks
{
    public static Resource Scalar(string name, double value) =>
        new() { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = value } };

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH for test runs), to start .NET executors with.</summary>
    public static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : System.Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "/usr/bin/dotnet";

    /// <summary>A custom-executor command that runs <paramref name="dll"/> with the dotnet host (shell=false, argv given).</summary>
    public static CommandInfo DotnetCommand(string dll)
    {
        var command = new CommandInfo { Shell = false, Value = DotnetHost };
        command.Arguments.AddRange(["dotnet", dll]);
        return command;
    }
}
