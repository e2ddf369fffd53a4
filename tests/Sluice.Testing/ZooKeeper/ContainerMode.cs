namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// Whether test fixtures run their servers in containers (Testcontainers) or embedded on this machine.
/// Read from the environment variable <c>SLUICE_TEST_CONTAINERS</c> = <c>never</c> | <c>always</c> | <c>auto</c> (default).
/// </summary>
public enum ContainerMode
{
    /// <summary>Use containers when a Docker engine answers, the embedded server otherwise.</summary>
    Auto,

    /// <summary>Always the embedded server.</summary>
    Never,

    /// <summary>Always a container; fail when no Docker engine answers.</summary>
    Always,
}

/// <summary>Parses <see cref="ContainerMode"/> from the environment.</summary>
public static class ContainerModes
{
    public const string EnvironmentVariable = "SLUICE_TEST_CONTAINERS";

    public static ContainerMode FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static ContainerMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ContainerMode.Auto,
        "never" or "0" or "false" => ContainerMode.Never,
        "always" or "1" or "true" => ContainerMode.Always,
        _ => throw new InvalidOperationException(
            $"{EnvironmentVariable}='{value}' is not one of never, always, auto."),
    };
}
