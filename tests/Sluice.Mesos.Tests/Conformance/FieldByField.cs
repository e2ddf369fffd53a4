using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// Compares one of our messages with the official schema's text-format reading of the same
/// bytes, field by field: every field present on one side must be present on the other, under
/// the same name, with the same value (enums by name, strings and bytes byte for byte,
/// numbers by value), repeated fields in order.
/// </summary>
internal static class FieldByField
{
    /// <summary>
    /// Enum values of ours that mesos-go's older snapshot of the official files lacks; the
    /// official schema shows them as an unknown field with the same number and value.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownAdditions = new HashSet<string>
    {
        "mesos.v1.executor.Event.Type.HEARTBEAT",
        "mesos.v1.executor.Call.Type.HEARTBEAT",
    };

    public static void AssertSame(IMessage ours, TextMessage official, string what)
    {
        var mismatches = new List<string>();
        Compare(ours, official, ours.Descriptor.Name, mismatches);
        if (mismatches.Count > 0)
        {
            Assert.Fail($"{what}: our message and the official schema disagree:\n  " + string.Join("\n  ", mismatches));
        }
    }

    private static void Compare(IMessage ours, TextMessage official, string path, List<string> mismatches)
    {
        var known = new HashSet<string>();
        foreach (var field in ours.Descriptor.Fields.InFieldNumberOrder())
        {
            known.Add(field.Name);
            string fieldPath = $"{path}.{field.Name}";
            var theirs = official.Named(field.Name).ToList();
            if (field.IsRepeated)
            {
                var values = ((IList)field.Accessor.GetValue(ours)).Cast<object>().ToList();
                if (values.Count != theirs.Count)
                {
                    mismatches.Add($"{fieldPath}: ours has {values.Count} values, official has {theirs.Count}");
                    continue;
                }

                for (int i = 0; i < values.Count; i++)
                {
                    CompareValue(field, values[i], theirs[i].Value, $"{fieldPath}[{i}]", mismatches);
                }

                continue;
            }

            bool present = field.Accessor.HasValue(ours);
            object value = field.Accessor.GetValue(ours);
            if (present && field.FieldType == FieldType.Enum && KnownAdditions.Contains(EnumValueName(field, value) is { } n ? $"{field.EnumType.FullName}.{n}" : ""))
            {
                // The official schema does not know this value: it must read it as field number = value.
                known.Add(field.FieldNumber.ToString(CultureInfo.InvariantCulture));
                var raw = official.Named(field.FieldNumber.ToString(CultureInfo.InvariantCulture)).ToList();
                if (theirs.Count != 0 || raw.Count != 1 || raw[0].Value as string != Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))
                {
                    mismatches.Add($"{fieldPath}: our known addition {EnumValueName(field, value)} is not read by the official schema as unknown field {field.FieldNumber} = {Convert.ToInt32(value, CultureInfo.InvariantCulture)}");
                }

                continue;
            }

            if (!present)
            {
                if (theirs.Count != 0)
                {
                    mismatches.Add($"{fieldPath}: absent in ours, present in official ({Show(theirs[0].Value)})");
                }

                continue;
            }

            if (theirs.Count != 1)
            {
                mismatches.Add($"{fieldPath}: present in ours, official has it {theirs.Count} times");
                continue;
            }

            CompareValue(field, value, theirs[0].Value, fieldPath, mismatches);
        }

        foreach (var extra in official.Fields.Where(f => !known.Contains(f.Name)))
        {
            mismatches.Add(char.IsDigit(extra.Name[0])
                ? $"{path}: the official schema does not know field number {extra.Name} that we wrote ({Show(extra.Value)})"
                : $"{path}.{extra.Name}: present in official, unknown to our message");
        }
    }

    private static void CompareValue(FieldDescriptor field, object ours, object theirs, string path, List<string> mismatches)
    {
        switch (field.FieldType)
        {
            case FieldType.Message:
            case FieldType.Group:
                if (theirs is not TextMessage nested)
                {
                    mismatches.Add($"{path}: ours is a message, official is {Show(theirs)}");
                    return;
                }

                Compare((IMessage)ours, nested, path, mismatches);
                return;

            case FieldType.String:
                CompareBytes(Encoding.UTF8.GetBytes((string)ours), theirs, path, mismatches);
                return;

            case FieldType.Bytes:
                CompareBytes(((ByteString)ours).ToByteArray(), theirs, path, mismatches);
                return;

            case FieldType.Enum:
                string? name = EnumValueName(field, ours);
                if (theirs as string != name)
                {
                    mismatches.Add($"{path}: ours {name ?? ours.ToString()}, official {Show(theirs)}");
                }

                return;

            case FieldType.Double:
            case FieldType.Float:
                double expected = Convert.ToDouble(ours, CultureInfo.InvariantCulture);
                if (theirs is not string token || !ParseDouble(token, out double actual) || !actual.Equals(expected))
                {
                    mismatches.Add($"{path}: ours {expected.ToString("R", CultureInfo.InvariantCulture)}, official {Show(theirs)}");
                }

                return;

            case FieldType.Bool:
                if (theirs as string != ((bool)ours ? "true" : "false"))
                {
                    mismatches.Add($"{path}: ours {ours}, official {Show(theirs)}");
                }

                return;

            default:
                string number = Convert.ToString(ours, CultureInfo.InvariantCulture)!;
                if (theirs as string != number)
                {
                    mismatches.Add($"{path}: ours {number}, official {Show(theirs)}");
                }

                return;
        }
    }

    private static void CompareBytes(byte[] ours, object theirs, string path, List<string> mismatches)
    {
        if (theirs is not TextLiteral literal || !literal.Bytes.AsSpan().SequenceEqual(ours))
        {
            mismatches.Add($"{path}: ours \"{Encoding.UTF8.GetString(ours)}\" ({ours.Length} bytes), official {Show(theirs)}");
        }
    }

    private static string? EnumValueName(FieldDescriptor field, object value) =>
        field.EnumType.FindValueByNumber(Convert.ToInt32(value, CultureInfo.InvariantCulture))?.Name;

    private static bool ParseDouble(string token, out double value)
    {
        switch (token)
        {
            case "inf": value = double.PositiveInfinity; return true;
            case "-inf": value = double.NegativeInfinity; return true;
            case "nan": value = double.NaN; return true;
            default: return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static string Show(object value) => value switch
    {
        TextMessage => "{ ... }",
        TextLiteral literal => $"\"{literal}\" ({literal.Bytes.Length} bytes)",
        _ => value.ToString() ?? "",
    };
}
