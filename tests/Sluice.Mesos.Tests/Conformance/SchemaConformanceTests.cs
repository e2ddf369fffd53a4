using System.Globalization;
using Google.Protobuf.Reflection;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// Every message, field and enum value of our Mesos protos, as compiled into Sluice.Proto,
/// against the official descriptors: same name, number, label, type, type name and default.
/// </summary>
public sealed class SchemaConformanceTests
{
    [Fact]
    public async Task EveryFieldOfOurMesosProtos_HasTheOfficialNameNumberLabelTypeAndDefault()
    {
        var official = await OfficialMesosProtos.Get().DescriptorSetAsync();
        var officialMessages = new Dictionary<string, DescriptorProto>();
        var officialEnums = new Dictionary<string, EnumDescriptorProto>();
        foreach (var file in official.File)
        {
            Index("." + file.Package, file.MessageType, file.EnumType, officialMessages, officialEnums);
        }

        var mismatches = new List<string>();
        int fieldsChecked = 0, enumValuesChecked = 0;
        foreach (var file in new[] { MesosReflection.Descriptor, SchedulerReflection.Descriptor, ExecutorReflection.Descriptor })
        {
            var proto = file.ToProto();
            var ourMessages = new Dictionary<string, DescriptorProto>();
            var ourEnums = new Dictionary<string, EnumDescriptorProto>();
            Index("." + proto.Package, proto.MessageType, proto.EnumType, ourMessages, ourEnums);

            foreach (var (name, ours) in ourMessages)
            {
                if (!officialMessages.TryGetValue(Official(name), out var theirs))
                {
                    mismatches.Add($"{name}: no official message {Official(name)}");
                    continue;
                }

                foreach (var field in ours.Field)
                {
                    fieldsChecked++;
                    var match = theirs.Field.SingleOrDefault(f => f.Number == field.Number);
                    string where = $"{name}.{field.Name} = {field.Number}";
                    if (match is null)
                    {
                        mismatches.Add($"{where}: the official message has no field {field.Number}");
                        continue;
                    }

                    Check(where, "name", field.Name, match.Name, mismatches);
                    Check(where, "label", field.Label, match.Label, mismatches);
                    Check(where, "type", field.Type, match.Type, mismatches);
                    Check(where, "type name", Official(field.TypeName), match.TypeName, mismatches);
                    Check(where, "default", field.DefaultValue, match.DefaultValue, mismatches);
                    Check(where, "packed", field.Options?.Packed ?? false, match.Options?.Packed ?? false, mismatches);
                }
            }

            foreach (var (name, ours) in ourEnums)
            {
                if (!officialEnums.TryGetValue(Official(name), out var theirs))
                {
                    mismatches.Add($"{name}: no official enum {Official(name)}");
                    continue;
                }

                // The first value is a proto2 enum's default: it must be the same.
                Check(name, "first (default) value", ours.Value[0].Name, theirs.Value[0].Name, mismatches);
                foreach (var value in ours.Value)
                {
                    enumValuesChecked++;
                    var match = theirs.Value.SingleOrDefault(v => v.Name == value.Name);
                    string fullName = $"{name[1..]}.{value.Name}";
                    if (match is null)
                    {
                        if (!FieldByField.KnownAdditions.Contains(fullName))
                        {
                            mismatches.Add($"{fullName} = {value.Number}: no such official value");
                        }

                        continue;
                    }

                    Check(fullName, "number", value.Number, match.Number, mismatches);
                }
            }
        }

        Assert.True(mismatches.Count == 0, "Our Mesos protos differ from the official ones:\n  " + string.Join("\n  ", mismatches));
        // Guards against a vacuous pass (e.g. descriptors that failed to load).
        Assert.True(fieldsChecked > 300, $"only {fieldsChecked} fields checked");
        Assert.True(enumValuesChecked > 100, $"only {enumValuesChecked} enum values checked");
    }

    [Fact]
    public void FieldByFieldComparison_DetectsAWrongNumber()
    {
        // The comparison itself must be able to fail: an official reading with a renamed field.
        var ours = new Sluice.Proto.Mesos.V1.Filters { RefuseSeconds = 5 };
        var official = TextFormat.Parse("refuse_secs: 5");

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FieldByField.AssertSame(ours, official, "renamed"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FieldByField.AssertSame(ours, TextFormat.Parse("1: 5"), "unknown number"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FieldByField.AssertSame(ours, TextFormat.Parse("refuse_seconds: 5.5"), "value"));
        FieldByField.AssertSame(ours, TextFormat.Parse("refuse_seconds: 5"), "same");
    }

    private static void Check<T>(string where, string what, T ours, T official, List<string> mismatches)
    {
        if (!EqualityComparer<T>.Default.Equals(ours, official))
        {
            mismatches.Add($"{where}: {what} is {Show(ours)}, officially {Show(official)}");
        }
    }

    private static string Show<T>(T value) => Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } s ? s : "(none)";

    /// <summary>Our full names are mesos.v1...; mesos-go's copies are mesos....</summary>
    private static string Official(string name) =>
        name.StartsWith(".mesos.v1.", StringComparison.Ordinal) ? ".mesos." + name[".mesos.v1.".Length..] : name;

    private static void Index(
        string scope,
        IEnumerable<DescriptorProto> messages,
        IEnumerable<EnumDescriptorProto> enums,
        Dictionary<string, DescriptorProto> messageIndex,
        Dictionary<string, EnumDescriptorProto> enumIndex)
    {
        foreach (var e in enums)
        {
            enumIndex[$"{scope}.{e.Name}"] = e;
        }

        foreach (var message in messages)
        {
            string name = $"{scope}.{message.Name}";
            messageIndex[name] = message;
            Index(name, message.NestedType, message.EnumType, messageIndex, enumIndex);
        }
    }
}
