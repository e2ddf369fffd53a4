using System.Net;
using Microsoft.Extensions.Options;
using Sluice.Scheduler.ControlPlane;

namespace Sluice.Scheduler.Configuration;

/// <summary>Checks <see cref="SchedulerOptions"/> at start-up; each failure names the flag and says what is expected.</summary>
public sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var failures = new List<string>();
        void Fail(string property, string message) => failures.Add($"{SchedulerCommandLine.FlagFor(property)} {message}");

        if (string.IsNullOrWhiteSpace(options.Master))
        {
            Fail(nameof(options.Master), "is required: http(s)://host:port[,http(s)://host:port] or zk://host:port[,host:port]/mesos");
        }
        else if (!IsMasterList(options.Master))
        {
            Fail(nameof(options.Master), $"'{options.Master}' is not a master list: use http(s)://host:port[,…] or zk://host:port[,host:port]/path");
        }

        if (string.IsNullOrWhiteSpace(options.Zk) == string.IsNullOrWhiteSpace(options.State))
        {
            Fail(nameof(options.Zk), "or --state is required, not both: --zk host:port[,host:port][/chroot] or --state file:PATH");
        }
        else if (!string.IsNullOrWhiteSpace(options.Zk) && !IsHostPortList(options.Zk.Split('/', 2)[0]))
        {
            Fail(nameof(options.Zk), $"'{options.Zk}' is not host:port[,host:port][/chroot]");
        }
        else if (!string.IsNullOrWhiteSpace(options.State)
                 && options.State != "memory"
                 && !(options.State.StartsWith("file:", StringComparison.Ordinal) && options.State.Length > "file:".Length))
        {
            Fail(nameof(options.State), $"'{options.State}' must be file:PATH or memory");
        }

        if (options.ZkAuth is not null && (State.ZooKeeperAuth.Parse(options.ZkAuth) is null || string.IsNullOrWhiteSpace(options.Zk)))
        {
            // The value is a secret: never echoed.
            Fail(nameof(options.ZkAuth), "must be digest:user:password, with --zk");
        }

        if (string.IsNullOrWhiteSpace(options.Kafka))
        {
            Fail(nameof(options.Kafka), "is required: the Kafka bootstrap servers, host:port[,host:port]");
        }
        else if (!IsHostPortList(options.Kafka))
        {
            Fail(nameof(options.Kafka), $"'{options.Kafka}' is not host:port[,host:port]");
        }

        if (string.IsNullOrWhiteSpace(options.FrameworkName) || options.FrameworkName.Contains('/'))
        {
            Fail(nameof(options.FrameworkName), "must be a non-empty name without '/'");
        }
        if (string.IsNullOrWhiteSpace(options.Role))
        {
            Fail(nameof(options.Role), "must not be empty (default '*')");
        }
        if (string.IsNullOrEmpty(options.Principal) != string.IsNullOrEmpty(options.Secret))
        {
            Fail(nameof(options.Principal), "and --secret go together: give both or neither");
        }
        if (options.FailoverTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(options.FailoverTimeout), $"must be positive (e.g. 7.00:00:00), not {options.FailoverTimeout}");
        }

        if (options.ControlPlaneAdvertise is not null && !IsHostPortList(options.ControlPlaneAdvertise, single: true))
        {
            Fail(nameof(options.ControlPlaneAdvertise), $"'{options.ControlPlaneAdvertise}' must be host:port (the control-plane address executors dial)");
        }
        if (options.LeaseTimeout is not null)
        {
            if (!DurationSetting.TryParse(options.LeaseTimeout, out var lease))
            {
                Fail(nameof(options.LeaseTimeout), $"'{options.LeaseTimeout}' is not a duration: use e.g. 15s, 500ms, 2m or 00:00:15");
            }
            else if (lease < LeaseTimings.Minimum || lease > LeaseTimings.Maximum)
            {
                Fail(nameof(options.LeaseTimeout), $"'{options.LeaseTimeout}' must be between {LeaseTimings.Minimum.TotalSeconds:0} s and {LeaseTimings.Maximum.TotalMinutes:0} min");
            }
        }

        foreach (var (property, url) in new[] { (nameof(options.Listen), options.Listen), (nameof(options.ControlPlaneListen), options.ControlPlaneListen) })
        {
            if (url is null)
            {
                continue;
            }
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0)
            {
                Fail(property, $"'{url}' must be http://address:port");
            }
            else if (!IsLoopback(uri.Host) && string.IsNullOrEmpty(options.ApiToken) && !options.Insecure)
            {
                Fail(property, $"'{url}' listens beyond loopback without --api-token; set a token, or --insecure to accept the risk");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static bool IsMasterList(string value)
    {
        if (value.StartsWith("zk://", StringComparison.Ordinal))
        {
            var rest = value["zk://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var hosts = slash < 0 ? rest : rest[..slash];
            var at = hosts.LastIndexOf('@');
            return slash > 0 && rest.Length > slash + 1 && IsHostPortList(at >= 0 ? hosts[(at + 1)..] : hosts);
        }
        return value.Split(',').All(part =>
            Uri.TryCreate(part.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host));
    }

    private static bool IsHostPortList(string value, bool single = false) =>
        (!single || !value.Contains(',')) && value.Split(',').All(part =>
        {
            var colon = part.LastIndexOf(':');
            return colon > 0
                   && int.TryParse(part[(colon + 1)..], out var port) && port is > 0 and <= 65535
                   && part[..colon].Trim().Length > 0;
        });
}
