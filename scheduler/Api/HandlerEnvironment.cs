using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Where the handler of a version is kept: the state model has no handler fields, so the API stores them in
/// <see cref="ConsumerVersion.Environment"/> under reserved keys, which the engine reads back (<see cref="Read"/>) to
/// fill <c>TaskData.handler</c>:
/// <list type="bullet">
/// <item><c>SLUICE_HANDLER_TYPE</c>: the handler type name (always present for versions written by the API);</item>
/// <item><c>SLUICE_HANDLER_ASSEMBLY</c>: the assembly file name in the sandbox (absent for built-ins);</item>
/// <item><c>SLUICE_HANDLER_SETTING_&lt;key&gt;</c>: one entry per handler setting.</item>
/// </list>
/// Keys starting with <c>SLUICE_</c> are reserved.
/// </summary>
internal static class HandlerEnvironment
{
    public const string ReservedPrefix = "SLUICE_";
    public const string TypeKey = "SLUICE_HANDLER_TYPE";
    public const string AssemblyKey = "SLUICE_HANDLER_ASSEMBLY";
    public const string SettingPrefix = "SLUICE_HANDLER_SETTING_";

    public static Dictionary<string, string> Write(string type, string? assembly, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [TypeKey] = type };
        if (!string.IsNullOrEmpty(assembly))
        {
            environment[AssemblyKey] = assembly;
        }
        foreach (var (key, value) in settings)
        {
            environment[SettingPrefix + key] = value;
        }
        return environment;
    }

    /// <summary>The handler of a version; null type when the version was not written by the API.</summary>
    public static HandlerDescriptor Read(ConsumerVersion version)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in version.Environment)
        {
            if (key.StartsWith(SettingPrefix, StringComparison.Ordinal))
            {
                settings[key[SettingPrefix.Length..]] = value;
            }
        }
        return new HandlerDescriptor(version.Environment.GetValueOrDefault(TypeKey), version.Environment.GetValueOrDefault(AssemblyKey), settings);
    }
}

/// <summary>A version's handler as <see cref="HandlerEnvironment.Read"/> finds it.</summary>
internal sealed record HandlerDescriptor(string? Type, string? Assembly, IReadOnlyDictionary<string, string> Settings);
