using System.Text.RegularExpressions;

namespace Sluice.Scheduler.Api;

/// <summary>Validation rules shared by the endpoints; messages name the field.</summary>
internal static partial class ApiValidation
{
    public const int MaxInstances = 1000;
    public const int MaxWorkers = 1024;

    /// <summary>Collects field errors in the shape <c>ValidationProblem</c> wants.</summary>
    internal sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public bool Any => _byField.Count > 0;

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var list))
            {
                _byField[field] = list = [];
            }
            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>A consumer name: also a ZooKeeper node name, so never <c>.</c> or <c>..</c>.</summary>
    public static bool IsConsumerName(string? name) => name is not null and not "." and not ".." && ConsumerNamePattern().IsMatch(name);

    public const string ConsumerNameRule = "must be 1 to 64 characters of [A-Za-z0-9._-], not '.' or '..'";

    /// <summary>Kafka's topic rule: 1 to 249 characters of [A-Za-z0-9._-], not <c>.</c> or <c>..</c>.</summary>
    public static bool IsTopicName(string? topic) => topic is not null and not "." and not ".." && TopicPattern().IsMatch(topic);

    public const string TopicRule = "must be 1 to 249 characters of [A-Za-z0-9._-], not '.' or '..'";

    public static bool IsPrintable(string? text, int maxLength) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength && !text.Any(char.IsControl);

    public static void Instances(Errors errors, string field, int? instances)
    {
        if (instances is null)
        {
            errors.Add(field, $"{field} is required");
        }
        else if (instances is < 0 or > MaxInstances)
        {
            errors.Add(field, $"{field} must be between 0 and {MaxInstances}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConsumerNamePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TopicPattern();
}
