using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>Validates a <see cref="ConsumerSpecRequest"/> and maps it to the stored <see cref="ConsumerSpec"/>, and back.</summary>
internal static class ConsumerSpecMapping
{
    public const string DefaultVersion = "v1";
    public const int DefaultInstances = 1;
    public const int DefaultWorkers = 1;
    public const int DefaultBatchSize = 1;
    public const double DefaultCpus = 0.5;
    public const double DefaultMemMb = 256;
    public const double MinMemMb = 32;
    private const int MaxSettings = 256;
    private const int MaxSettingValueLength = 8192;
    private const int MaxConstraints = 64;
    private const int MaxTopics = 1000;
    private const int MaxArtifacts = 64;

    /// <summary>
    /// Validates <paramref name="request"/> for consumer <paramref name="name"/> and builds its spec. The new version
    /// replaces a stored version of the same id and becomes the active one; other stored versions are kept (a
    /// deployment may refer to them).
    /// </summary>
    public static ConsumerSpec? TryMap(string name, ConsumerSpecRequest request, ConsumerSpec? existing, ApiValidation.Errors errors)
    {
        var topics = request.Topics ?? [];
        if (request.Topics is null || topics.Count == 0)
        {
            errors.Add("topics", "topics must name at least one topic");
        }
        else if (topics.Count > MaxTopics)
        {
            errors.Add("topics", $"topics must name at most {MaxTopics} topics");
        }
        else
        {
            for (var i = 0; i < topics.Count; i++)
            {
                if (!ApiValidation.IsTopicName(topics[i]))
                {
                    errors.Add($"topics[{i}]", $"topics[{i}] {ApiValidation.TopicRule}");
                }
            }
            if (topics.Distinct(StringComparer.Ordinal).Count() != topics.Count)
            {
                errors.Add("topics", "topics must not repeat a topic");
            }
        }

        var groupId = request.GroupId ?? name;
        if (!ApiValidation.IsPrintable(groupId, 255))
        {
            errors.Add("groupId", "groupId must be 1 to 255 printable characters");
        }

        var version = request.Version ?? DefaultVersion;
        if (!ApiValidation.IsConsumerName(version))
        {
            errors.Add("version", "version " + ApiValidation.ConsumerNameRule);
        }

        var handler = request.Handler;
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (handler is null)
        {
            errors.Add("handler", "handler is required: {\"type\": \"…\", \"assembly\": \"…\", \"settings\": {}}");
        }
        else
        {
            if (!ApiValidation.IsPrintable(handler.Type, 1024))
            {
                errors.Add("handler.type", "handler.type is required: 1 to 1024 printable characters");
            }
            if (handler.Assembly is not null && (!ApiValidation.IsPrintable(handler.Assembly, 255) || handler.Assembly.Contains('/') || handler.Assembly.Contains('\\')))
            {
                errors.Add("handler.assembly", "handler.assembly must be a file name (1 to 255 printable characters, no path separators)");
            }
            MapSettings(handler.Settings, settings, errors);
        }

        var artifacts = request.ArtifactUris ?? [];
        if (artifacts.Count > MaxArtifacts)
        {
            errors.Add("artifactUris", $"artifactUris must list at most {MaxArtifacts} URIs");
        }
        else
        {
            for (var i = 0; i < artifacts.Count; i++)
            {
                if (artifacts[i] is not { Length: <= 4096 } uri || !Uri.TryCreate(uri, UriKind.Absolute, out _))
                {
                    errors.Add($"artifactUris[{i}]", $"artifactUris[{i}] must be an absolute URI");
                }
            }
        }

        var cpus = request.Resources?.Cpus ?? DefaultCpus;
        var mem = request.Resources?.Mem ?? DefaultMemMb;
        var disk = request.Resources?.Disk ?? 0;
        if (!double.IsFinite(cpus) || cpus <= 0 || cpus > 1024)
        {
            errors.Add("resources.cpus", "resources.cpus must be greater than 0 and at most 1024");
        }
        if (!double.IsFinite(mem) || mem < MinMemMb || mem > 16 * 1024 * 1024)
        {
            errors.Add("resources.mem", $"resources.mem must be at least {MinMemMb} (MB) and at most 16777216");
        }
        if (!double.IsFinite(disk) || disk < 0 || disk > 1024 * 1024 * 1024)
        {
            errors.Add("resources.disk", "resources.disk must be between 0 and 1073741824 (MB)");
        }

        var instances = request.Instances ?? existing?.DesiredInstances ?? DefaultInstances;
        ApiValidation.Instances(errors, "instances", instances);

        var workers = request.Workers ?? DefaultWorkers;
        if (workers is < 1 or > ApiValidation.MaxWorkers)
        {
            errors.Add("workers", $"workers must be between 1 and {ApiValidation.MaxWorkers}");
        }

        var ordering = OrderingMode.PerPartition;
        if (request.Ordering is not null && !ApiNames.TryParse(request.Ordering, out ordering))
        {
            errors.Add("ordering", $"ordering must be one of {ApiNames.Allowed<OrderingMode>()}");
        }

        var policy = FailurePolicy.CommitOffsetAndContinue;
        if (request.FailurePolicy is not null && !ApiNames.TryParse(request.FailurePolicy, out policy))
        {
            errors.Add("failurePolicy", $"failurePolicy must be one of {ApiNames.Allowed<FailurePolicy>()}");
        }
        if (request.DeadLetterTopic is not null && !ApiValidation.IsTopicName(request.DeadLetterTopic))
        {
            errors.Add("deadLetterTopic", "deadLetterTopic " + ApiValidation.TopicRule);
        }
        else if (policy == FailurePolicy.DeadLetterAndContinue && request.DeadLetterTopic is null)
        {
            errors.Add("deadLetterTopic", "deadLetterTopic is required with failurePolicy 'deadLetterAndContinue'");
        }
        else if (request.DeadLetterTopic is not null && topics.Contains(request.DeadLetterTopic, StringComparer.Ordinal))
        {
            errors.Add("deadLetterTopic", "deadLetterTopic must not be one of the consumed topics");
        }

        var batchSize = request.BatchSize ?? DefaultBatchSize;
        if (batchSize is < 1 or > 100_000)
        {
            errors.Add("batchSize", "batchSize must be between 1 and 100000");
        }
        var lingerMs = request.BatchLingerMs ?? 0;
        if (lingerMs is < 0 or > 60_000)
        {
            errors.Add("batchLingerMs", "batchLingerMs must be between 0 and 60000");
        }

        var constraints = MapConstraints(request.Constraints, errors);

        if (errors.Any || handler is null)
        {
            return null;
        }

        var newVersion = new ConsumerVersion(
            version,
            [.. artifacts],
            "",
            HandlerEnvironment.Write(handler.Type!, handler.Assembly, settings),
            new TaskResources(cpus, mem, disk),
            new WorkerSettings(workers, ordering, batchSize, TimeSpan.FromMilliseconds(lingerMs), policy, request.DeadLetterTopic));
        IReadOnlyList<ConsumerVersion> versions =
        [
            .. (existing?.Versions ?? []).Where(v => !string.Equals(v.Id, version, StringComparison.Ordinal)),
            newVersion,
        ];
        return new ConsumerSpec(name, [.. topics], groupId, versions, version, constraints, instances);
    }

    private static void MapSettings(Dictionary<string, JsonElement>? input, SortedDictionary<string, string> settings, ApiValidation.Errors errors)
    {
        if (input is null)
        {
            return;
        }
        if (input.Count > MaxSettings)
        {
            errors.Add("handler.settings", $"handler.settings must have at most {MaxSettings} entries");
            return;
        }
        foreach (var (key, value) in input)
        {
            var field = "handler.settings." + (key.Length > 64 ? key[..64] + "…" : key);
            if (!ApiValidation.IsPrintable(key, 255))
            {
                errors.Add("handler.settings", "handler.settings keys must be 1 to 255 printable characters");
                continue;
            }
            string? text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is null)
            {
                errors.Add(field, $"{field} must be a string, number or boolean");
            }
            else if (text.Length > MaxSettingValueLength)
            {
                errors.Add(field, $"{field} must be at most {MaxSettingValueLength} characters");
            }
            else
            {
                settings[key] = text;
            }
        }
    }

    private static List<PlacementConstraint> MapConstraints(List<List<string>>? input, ApiValidation.Errors errors)
    {
        var constraints = new List<PlacementConstraint>();
        if (input is null)
        {
            return constraints;
        }
        if (input.Count > MaxConstraints)
        {
            errors.Add("constraints", $"constraints must have at most {MaxConstraints} entries");
            return constraints;
        }
        for (var i = 0; i < input.Count; i++)
        {
            var field = $"constraints[{i}]";
            var c = input[i];
            if (c is null || c.Count is < 2 or > 3 || c.Any(part => part is null))
            {
                errors.Add(field, $"{field} must be [field, operator] or [field, operator, value]");
                continue;
            }
            if (!ApiValidation.IsPrintable(c[0], 255))
            {
                errors.Add(field, $"{field}: the field must be 1 to 255 printable characters (e.g. 'hostname')");
                continue;
            }
            if (!ApiNames.TryParseOperator(c[1], out var op))
            {
                errors.Add(field, $"{field}: the operator must be one of {ApiNames.AllowedOperators()}");
                continue;
            }
            var value = c.Count == 3 ? c[2] : null;
            string? problem = op switch
            {
                ConstraintOperator.Unique when value is not null => "UNIQUE takes no value",
                ConstraintOperator.Cluster when value is null => "CLUSTER needs a value",
                ConstraintOperator.Like or ConstraintOperator.Unlike when value is null => $"{ApiNames.Of(op)} needs a regular expression",
                ConstraintOperator.Like or ConstraintOperator.Unlike when !IsRegex(value!) => $"{ApiNames.Of(op)} value is not a valid regular expression",
                ConstraintOperator.GroupBy when value is not null && !IsPositive(value) => "GROUP_BY value must be a positive number of groups",
                ConstraintOperator.MaxPer when value is null || !IsPositive(value) => "MAX_PER needs a positive number",
                _ when value is { Length: > 1024 } => "the value must be at most 1024 characters",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(field, $"{field}: {problem}");
                continue;
            }
            constraints.Add(new PlacementConstraint(c[0], op, value));
        }
        return constraints;
    }

    private static bool IsPositive(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;

    private static bool IsRegex(string pattern)
    {
        if (pattern.Length > 1024)
        {
            return false;
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The API's view of a stored consumer.</summary>
    public static ConsumerResponse ToResponse(ConsumerRecord record, long revision)
    {
        var spec = record.Spec;
        var active = spec.Versions.FirstOrDefault(v => v.Id == spec.ActiveVersion) ?? spec.Versions.LastOrDefault();
        var handler = active is null ? new HandlerDescriptor(null, null, new Dictionary<string, string>()) : HandlerEnvironment.Read(active);
        var worker = active?.Worker;
        return new ConsumerResponse(
            spec.Name,
            spec.Topics,
            spec.GroupId,
            new HandlerResponse(handler.Type, handler.Assembly, handler.Settings),
            spec.ActiveVersion,
            [.. spec.Versions.Select(v => v.Id)],
            active?.ArtifactUris ?? [],
            new ResourcesResponse(active?.Resources.Cpus ?? 0, active?.Resources.MemoryMb ?? 0, active?.Resources.DiskMb ?? 0),
            spec.DesiredInstances,
            worker?.Workers ?? 0,
            worker is null ? "" : ApiNames.Of(worker.Ordering),
            worker is null ? "" : ApiNames.Of(worker.FailurePolicy),
            worker?.DeadLetterTopic,
            worker?.BatchSize ?? 0,
            (long)(worker?.BatchLinger.TotalMilliseconds ?? 0),
            [.. spec.Constraints.Select(ToArray)],
            revision);
    }

    private static IReadOnlyList<string> ToArray(PlacementConstraint c) =>
        c.Value is null ? [c.Field, ApiNames.Of(c.Operator)] : [c.Field, ApiNames.Of(c.Operator), c.Value];

    public static ConsumerSummary ToSummary(ConsumerRecord record) =>
        new(record.Name, record.Spec.Topics, record.Spec.DesiredInstances, record.Spec.ActiveVersion);
}
