using System.Text.Json;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>The API's names for model enums: camelCase of the member (<c>PerPartition</c> ⇒ <c>perPartition</c>).</summary>
internal static class ApiNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>The allowed names of <typeparamref name="T"/>, for error messages.</summary>
    public static string Allowed<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => "'" + Of(v) + "'"));

    /// <summary>Parses an API name (case-insensitive; never a number).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Marathon's operator names (<c>UNIQUE</c>, <c>GROUP_BY</c>, …).</summary>
    public static string Of(ConstraintOperator op) => op switch
    {
        ConstraintOperator.GroupBy => "GROUP_BY",
        ConstraintOperator.MaxPer => "MAX_PER",
        _ => op.ToString().ToUpperInvariant(),
    };

    public static bool TryParseOperator(string? text, out ConstraintOperator op)
    {
        foreach (var candidate in Enum.GetValues<ConstraintOperator>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                op = candidate;
                return true;
            }
        }
        op = default;
        return false;
    }

    public static string AllowedOperators() => string.Join(", ", Enum.GetValues<ConstraintOperator>().Select(Of));
}
