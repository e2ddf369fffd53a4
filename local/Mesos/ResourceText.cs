using System.Globalization;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos;

/// <summary>
/// Parses the agent flag syntax of Mesos' <c>--resources</c> and <c>--attributes</c>:
/// <c>cpus:4;mem:8192;disk:10240;ports:[31000-32000]</c> and <c>rack:a;zone:1</c>.
/// </summary>
internal static class ResourceText
{
    public static IReadOnlyList<Resource> ParseResources(string text)
    {
        var resources = new List<Resource>();
        foreach (var (name, value) in Items(text, "resources"))
        {
            if (value.StartsWith('['))
            {
                resources.Add(new Resource { Name = name, Type = Value.Types.Type.Ranges, Ranges = ParseRanges(name, value) });
            }
            else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var scalar) && scalar >= 0)
            {
                resources.Add(new Resource { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = scalar } });
            }
            else
            {
                throw new FormatException($"resource '{name}' has value '{value}': expected a non-negative number or ranges like [31000-32000]");
            }
        }
        return resources;
    }

    public static IReadOnlyList<Sluice.Proto.Mesos.V1.Attribute> ParseAttributes(string? text)
    {
        var attributes = new List<Sluice.Proto.Mesos.V1.Attribute>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return attributes;
        }
        foreach (var (name, value) in Items(text, "attributes"))
        {
            // As in Mesos: a number is a scalar, [a-b] ranges, anything else text.
            if (value.StartsWith('['))
            {
                attributes.Add(new Sluice.Proto.Mesos.V1.Attribute { Name = name, Type = Value.Types.Type.Ranges, Ranges = ParseRanges(name, value) });
            }
            else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var scalar))
            {
                attributes.Add(new Sluice.Proto.Mesos.V1.Attribute { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = scalar } });
            }
            else
            {
                attributes.Add(new Sluice.Proto.Mesos.V1.Attribute { Name = name, Type = Value.Types.Type.Text, Text = new Value.Types.Text { Value = value } });
            }
        }
        return attributes;
    }

    private static IEnumerable<(string Name, string Value)> Items(string text, string what)
    {
        foreach (var raw in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == raw.Length - 1)
            {
                throw new FormatException($"{what} item '{raw}' is not name:value");
            }
            yield return (raw[..colon].Trim(), raw[(colon + 1)..].Trim());
        }
    }

    private static Value.Types.Ranges ParseRanges(string name, string value)
    {
        if (!value.EndsWith(']'))
        {
            throw new FormatException($"'{name}' ranges '{value}' must end with ']'");
        }
        var ranges = new Value.Types.Ranges();
        foreach (var part in value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var beginText = dash < 0 ? part : part[..dash];
            var endText = dash < 0 ? part : part[(dash + 1)..];
            if (!ulong.TryParse(beginText, NumberStyles.None, CultureInfo.InvariantCulture, out var begin)
                || !ulong.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out var end)
                || end < begin)
            {
                throw new FormatException($"'{name}' range '{part}' is not begin-end with begin <= end");
            }
            ranges.Range.Add(new Value.Types.Range { Begin = begin, End = end });
        }
        return ranges;
    }
}
