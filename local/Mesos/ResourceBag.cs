using System.Globalization;
using System.Text;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos;

/// <summary>
/// Unreserved resources as arithmetic: scalars by name and inclusive ranges by name. Roles,
/// reservations and sets are not modelled (the local world has only the "*" role).
/// </summary>
/// <remarks>
/// Scalars are kept to three decimals, as Mesos does (its Value::Scalar is fixed-point with a
/// precision of 0.001), so 0.1 + 0.2 is 0.3 again.
/// </remarks>
internal sealed class ResourceBag
{
    private readonly SortedDictionary<string, double> _scalars = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<(ulong Begin, ulong End)>> _ranges = new(StringComparer.Ordinal);

    public static ResourceBag Empty => new();

    public bool IsEmpty => _scalars.Count == 0 && _ranges.Count == 0;

    public static ResourceBag From(IEnumerable<Resource> resources)
    {
        var bag = new ResourceBag();
        foreach (var resource in resources)
        {
            bag.Add(resource);
        }
        return bag;
    }

    /// <summary>
    /// Mesos' <c>Resources::validate</c>, the parts the bag relies on: a name, a value of the
    /// declared type, scalars finite and not negative, ranges with begin ≤ end. Null when valid.
    /// </summary>
    public static string? Validate(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources)
        {
            if (string.IsNullOrEmpty(resource.Name))
            {
                return "a resource has no name";
            }
            switch (resource.Type)
            {
                case Value.Types.Type.Scalar when resource.Scalar is null:
                    return $"'{resource.Name}' is a SCALAR without a scalar value";
                case Value.Types.Type.Scalar when !double.IsFinite(resource.Scalar.Value) || resource.Scalar.Value < 0:
                    return $"'{resource.Name}' has the scalar value {resource.Scalar.Value.ToString(CultureInfo.InvariantCulture)}, which is not a finite non-negative number";
                case Value.Types.Type.Ranges when resource.Ranges is null:
                    return $"'{resource.Name}' is RANGES without ranges";
                case Value.Types.Type.Ranges when resource.Ranges.Range.FirstOrDefault(r => r.Begin > r.End) is { } range:
                    return $"'{resource.Name}' has the range [{range.Begin}-{range.End}], which ends before it begins";
            }
        }
        return null;
    }

    public ResourceBag Clone()
    {
        var copy = new ResourceBag();
        copy.Add(this);
        return copy;
    }

    public double Scalar(string name) => _scalars.TryGetValue(name, out var value) ? value : 0;

    public IReadOnlyList<(ulong Begin, ulong End)> Ranges(string name) =>
        _ranges.TryGetValue(name, out var ranges) ? ranges : [];

    public void Add(Resource resource)
    {
        switch (resource.Type)
        {
            case Value.Types.Type.Scalar when resource.Scalar is not null:
                AddScalar(resource.Name, resource.Scalar.Value);
                break;
            case Value.Types.Type.Ranges when resource.Ranges is not null:
                foreach (var range in resource.Ranges.Range)
                {
                    AddRange(resource.Name, range.Begin, range.End);
                }
                break;
        }
    }

    public void Add(ResourceBag other)
    {
        foreach (var (name, value) in other._scalars)
        {
            AddScalar(name, value);
        }
        foreach (var (name, ranges) in other._ranges)
        {
            foreach (var (begin, end) in ranges)
            {
                AddRange(name, begin, end);
            }
        }
    }

    /// <summary>True when every resource of <paramref name="other"/> is in this bag.</summary>
    public bool Contains(ResourceBag other)
    {
        foreach (var (name, value) in other._scalars)
        {
            if (Round(Scalar(name) - value) < 0)
            {
                return false;
            }
        }
        foreach (var (name, ranges) in other._ranges)
        {
            var mine = Ranges(name);
            foreach (var (begin, end) in ranges)
            {
                if (!mine.Any(r => r.Begin <= begin && end <= r.End))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Removes <paramref name="other"/>; the caller checked <see cref="Contains"/> (what is missing is ignored).</summary>
    public void Subtract(ResourceBag other)
    {
        foreach (var (name, value) in other._scalars)
        {
            var left = Round(Scalar(name) - value);
            if (left <= 0)
            {
                _scalars.Remove(name);
            }
            else
            {
                _scalars[name] = left;
            }
        }
        foreach (var (name, ranges) in other._ranges)
        {
            if (!_ranges.TryGetValue(name, out var mine))
            {
                continue;
            }
            foreach (var (begin, end) in ranges)
            {
                var next = new List<(ulong, ulong)>();
                foreach (var (b, e) in mine)
                {
                    if (e < begin || b > end)
                    {
                        next.Add((b, e));
                        continue;
                    }
                    if (b < begin)
                    {
                        next.Add((b, begin - 1));
                    }
                    if (e > end)
                    {
                        next.Add((end + 1, e));
                    }
                }
                mine = next;
            }
            if (mine.Count == 0)
            {
                _ranges.Remove(name);
            }
            else
            {
                _ranges[name] = mine;
            }
        }
    }

    public IEnumerable<Resource> ToProto(string? allocationRole = null)
    {
        foreach (var (name, value) in _scalars)
        {
            var resource = new Resource { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = value } };
            if (allocationRole is not null)
            {
                resource.AllocationInfo = new Resource.Types.AllocationInfo { Role = allocationRole };
            }
            yield return resource;
        }
        foreach (var (name, ranges) in _ranges)
        {
            var value = new Value.Types.Ranges();
            value.Range.AddRange(ranges.Select(r => new Value.Types.Range { Begin = r.Begin, End = r.End }));
            var resource = new Resource { Name = name, Type = Value.Types.Type.Ranges, Ranges = value };
            if (allocationRole is not null)
            {
                resource.AllocationInfo = new Resource.Types.AllocationInfo { Role = allocationRole };
            }
            yield return resource;
        }
    }

    /// <summary>Mesos' text form: <c>cpus:4; mem:8192; ports:[31000-32000]</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in _scalars)
        {
            Append(text, $"{name}:{value.ToString(CultureInfo.InvariantCulture)}");
        }
        foreach (var (name, _) in _ranges)
        {
            Append(text, $"{name}:{RangesText(name)}");
        }
        return text.ToString();

        static void Append(StringBuilder text, string item) => text.Append(text.Length == 0 ? "" : "; ").Append(item);
    }

    /// <summary><c>[31000-31005, 31010-31010]</c>, as Mesos' state JSON shows ranges.</summary>
    public string RangesText(string name) =>
        "[" + string.Join(", ", Ranges(name).Select(r => $"{r.Begin}-{r.End}")) + "]";

    public IEnumerable<string> ScalarNames => _scalars.Keys;

    public IEnumerable<string> RangeNames => _ranges.Keys;

    private void AddScalar(string name, double value)
    {
        var sum = Round(Scalar(name) + value);
        if (sum <= 0)
        {
            _scalars.Remove(name);
        }
        else
        {
            _scalars[name] = sum;
        }
    }

    private void AddRange(string name, ulong begin, ulong end)
    {
        if (end < begin)
        {
            return;
        }
        var ranges = _ranges.TryGetValue(name, out var existing) ? existing : [];
        ranges.Add((begin, end));
        ranges.Sort();
        var merged = new List<(ulong Begin, ulong End)>();
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && range.Begin <= merged[^1].End + 1)
            {
                merged[^1] = (merged[^1].Begin, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }
        _ranges[name] = merged;
    }

    private static double Round(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
