namespace Sluice.Scheduler.Configuration;

/// <summary>
/// Maps the scheduler's flags onto configuration keys, and Marathon's task environment
/// (<c>PORT0</c>, <c>PORT1</c>, <c>HOST</c>) onto defaults the flags can override.
/// </summary>
public static class SchedulerCommandLine
{
    private const string Prefix = SchedulerOptions.SectionName + ":";

    /// <summary>Flag → configuration key, for <c>AddCommandLine(args, SwitchMappings)</c>.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--master"] = Prefix + nameof(SchedulerOptions.Master),
        ["--zk"] = Prefix + nameof(SchedulerOptions.Zk),
        ["--zk-auth"] = Prefix + nameof(SchedulerOptions.ZkAuth),
        ["--state"] = Prefix + nameof(SchedulerOptions.State),
        ["--kafka"] = Prefix + nameof(SchedulerOptions.Kafka),
        ["--framework-name"] = Prefix + nameof(SchedulerOptions.FrameworkName),
        ["--role"] = Prefix + nameof(SchedulerOptions.Role),
        ["--principal"] = Prefix + nameof(SchedulerOptions.Principal),
        ["--secret"] = Prefix + nameof(SchedulerOptions.Secret),
        ["--listen"] = Prefix + nameof(SchedulerOptions.Listen),
        ["--control-plane-listen"] = Prefix + nameof(SchedulerOptions.ControlPlaneListen),
        ["--advertise"] = Prefix + nameof(SchedulerOptions.Advertise),
        ["--control-plane-advertise"] = Prefix + nameof(SchedulerOptions.ControlPlaneAdvertise),
        ["--lease-timeout"] = Prefix + nameof(SchedulerOptions.LeaseTimeout),
        ["--api-token"] = Prefix + nameof(SchedulerOptions.ApiToken),
        ["--failover-timeout"] = Prefix + nameof(SchedulerOptions.FailoverTimeout),
        ["--executor"] = Prefix + nameof(SchedulerOptions.Executor),
        ["--control-plane-secret"] = Prefix + nameof(SchedulerOptions.ControlPlaneSecret),
        ["--executor-kafka-config"] = Prefix + nameof(SchedulerOptions.ExecutorKafkaConfig),
    };

    /// <summary>The flag that sets <paramref name="property"/>, for error messages.</summary>
    public static string FlagFor(string property) =>
        SwitchMappings.FirstOrDefault(kv => kv.Value == Prefix + property).Key
        ?? (property == nameof(SchedulerOptions.Insecure) ? "--insecure" : property);

    /// <summary>
    /// Turns bare switches into <c>--name=true</c> and rejects unknown flags, so a typo stops
    /// start-up with its name instead of being ignored.
    /// </summary>
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new SchedulerConfigurationException($"unexpected argument '{arg}': settings are given as --name value");
            }
            var name = arg.Split('=', 2)[0];
            if (name == "--insecure")
            {
                result.Add($"--{Prefix}{nameof(SchedulerOptions.Insecure)}={(arg.Contains('=') ? arg.Split('=', 2)[1] : "true")}");
                continue;
            }
            if (!SwitchMappings.ContainsKey(name))
            {
                throw new SchedulerConfigurationException(
                    $"unknown flag '{name}'. Known flags: {string.Join(", ", SwitchMappings.Keys.Append("--insecure").Order())}");
            }
            if (arg.Contains('='))
            {
                result.Add(arg);
                continue;
            }
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new SchedulerConfigurationException($"{name} needs a value");
            }
            result.Add(arg);
            result.Add(args[++i]);
        }
        return [.. result];
    }

    /// <summary>The environment variable that sets the same thing as <paramref name="flag"/>: <c>--api-token</c> → <c>SLUICE_API_TOKEN</c>.</summary>
    public static string EnvironmentVariableFor(string flag) =>
        "SLUICE_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>Settings from <c>SLUICE_*</c> environment variables, one per flag (and <c>SLUICE_INSECURE</c>).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (flag, key) in SwitchMappings)
        {
            if (environment.TryGetValue(EnvironmentVariableFor(flag), out var value) && !string.IsNullOrEmpty(value))
            {
                yield return new(key, value);
            }
        }
        if (environment.TryGetValue(EnvironmentVariableFor("--insecure"), out var insecure) && !string.IsNullOrEmpty(insecure))
        {
            yield return new(Prefix + nameof(SchedulerOptions.Insecure), insecure);
        }
    }

    /// <summary>Defaults from Marathon's task environment; explicit settings win.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> MarathonDefaults(IReadOnlyDictionary<string, string?> environment)
    {
        environment.TryGetValue("HOST", out var host);
        // Marathon's HOST is usually the agent's host name: listen on every interface then. When it
        // is an address, listen on that address only.
        var bind = !string.IsNullOrEmpty(host) && System.Net.IPAddress.TryParse(host, out _) ? host : "0.0.0.0";
        if (environment.TryGetValue("PORT0", out var port0) && !string.IsNullOrEmpty(port0))
        {
            yield return new(Prefix + nameof(SchedulerOptions.Listen), $"http://{bind}:{port0}");
        }
        if (environment.TryGetValue("PORT1", out var port1) && !string.IsNullOrEmpty(port1))
        {
            yield return new(Prefix + nameof(SchedulerOptions.ControlPlaneListen), $"http://{bind}:{port1}");
        }
        if (!string.IsNullOrEmpty(host))
        {
            yield return new(Prefix + nameof(SchedulerOptions.Advertise), host);
        }
    }
}
