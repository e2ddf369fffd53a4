namespace Sluice.Local.Mesos;

/// <summary>
/// Mesos' rule for framework, task, executor and agent IDs (src/common/validation.cpp
/// <c>validateID</c>): IDs become path components of sandboxes, so they must be one safe name.
/// </summary>
internal static class MesosIds
{
    /// <summary>Mesos' limit: NAME_MAX, the longest file name.</summary>
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="id"/> is not a valid ID, or null when it is.</summary>
    public static string? Validate(string id)
    {
        if (id.Length == 0)
        {
            return "ID must not be empty";
        }
        if (id.Length > MaxLength)
        {
            return $"ID must not be greater than {MaxLength} characters";
        }
        if (id is "." or "..")
        {
            return $"'{id}' is disallowed";
        }
        if (id.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            return $"'{Printable(id)}' contains invalid characters";
        }
        return null;
    }

    private static string Printable(string id) => new([.. id.Select(c => char.IsControl(c) ? '?' : c)]);
}
