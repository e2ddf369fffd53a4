using Sluice.Proto.Mesos.V1;

namespace Sluice.Scheduler.Offers;

/// <summary>What placement needs of a Mesos offer: host, attributes as text, and unreserved scalar resources.</summary>
public sealed record OfferView(string Hostname, IReadOnlyDictionary<string, string> Attributes, double Cpus, double MemoryMb, double DiskMb)
{
    /// <summary>Reads an offer: scalars summed by name, attributes as text (scalars printed, sets and ranges joined).</summary>
    public static OfferView From(Offer offer)
    {
        double Sum(string name) => offer.Resources
            .Where(r => r.Name == name && r.Type == Value.Types.Type.Scalar)
            .Sum(r => r.Scalar.Value);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in offer.Attributes)
        {
            attributes[a.Name] = a.Type switch
            {
                Value.Types.Type.Text => a.Text.Value,
                Value.Types.Type.Scalar => a.Scalar.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Value.Types.Type.Set => string.Join(',', a.Set.Item),
                Value.Types.Type.Ranges => string.Join(',', a.Ranges.Range.Select(r => $"{r.Begin}-{r.End}")),
                _ => "",
            };
        }
        return new OfferView(offer.Hostname, attributes, Sum("cpus"), Sum("mem"), Sum("disk"));
    }

    /// <summary>The value a constraint's field names: <c>hostname</c> or an attribute; null when absent.</summary>
    public string? Field(string field) =>
        field == "hostname" ? Hostname : Attributes.GetValueOrDefault(field);
}
