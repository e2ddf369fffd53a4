using System.Text;

namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>A writer that tests may read while the CLI is still writing to it (e.g. <c>sluice events</c>).</summary>
internal sealed class CapturedWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_gate) _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate) _text.Append(buffer, index, count);
    }

    public override string ToString()
    {
        lock (_gate) return _text.ToString();
    }
}
