using System.Globalization;

namespace Sluice.Local;

/// <summary>A thrown usage error: printed as one line with the usage text, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs of a command line, read with typed accessors that name the bad option.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private Options()
    {
    }

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
            string value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option {arg} needs a value");
            }
            if (!options._values.TryAdd(arg, value))
            {
                throw new UsageException($"option {arg} is given twice");
            }
        }
        return options;
    }

    public string? StringOrNull(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public string String(string name, string fallback)
    {
        var value = StringOrNull(name) ?? fallback;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new UsageException($"option {name} must not be empty");
        }
        return value;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = StringOrNull(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"option {name} must be a whole number from {min} to {max}, not '{text}'");
        }
        return value;
    }

    public void ThrowOnUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option {string.Join(", ", unknown)}");
        }
    }
}
