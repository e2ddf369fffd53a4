using System.Text;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>One <c>name: value</c> or <c>name { ... }</c> entry of protobuf text format.</summary>
/// <param name="Name">Field name, or the field number for a field the schema does not know.</param>
/// <param name="Value">A <see cref="TextMessage"/>, a <see cref="TextLiteral"/> (quoted string, unescaped to bytes) or a bare token (number, enum name, bool) as a string.</param>
internal sealed record TextField(string Name, object Value);

internal sealed record TextLiteral(byte[] Bytes)
{
    public override string ToString() => Encoding.UTF8.GetString(Bytes);
}

internal sealed class TextMessage
{
    public List<TextField> Fields { get; } = [];

    public IEnumerable<TextField> Named(string name) => Fields.Where(f => f.Name == name);
}

/// <summary>
/// A parser for the protobuf text format that <c>protoc --decode</c> prints (and
/// <c>protoc --encode</c> reads): enough of the grammar for conformance tests, strict about the rest.
/// </summary>
internal static class TextFormat
{
    public static TextMessage Parse(string text)
    {
        int position = 0;
        var message = ParseFields(text, ref position, expectClose: false);
        SkipSpace(text, ref position);
        if (position != text.Length)
        {
            throw new FormatException($"Unexpected '{text[position]}' at {position} in protoc output:\n{text}");
        }

        return message;
    }

    private static TextMessage ParseFields(string text, ref int position, bool expectClose)
    {
        var message = new TextMessage();
        while (true)
        {
            SkipSpace(text, ref position);
            if (position == text.Length)
            {
                if (expectClose)
                {
                    throw new FormatException("Text format ended inside a message.");
                }

                return message;
            }

            if (text[position] is '}' or '>')
            {
                if (!expectClose)
                {
                    throw new FormatException($"Unbalanced '{text[position]}' at {position}.");
                }

                position++;
                return message;
            }

            string name = ReadToken(text, ref position);
            SkipSpace(text, ref position);
            bool colon = false;
            if (position < text.Length && text[position] == ':')
            {
                colon = true;
                position++;
                SkipSpace(text, ref position);
            }

            if (position < text.Length && text[position] is '{' or '<')
            {
                position++;
                message.Fields.Add(new TextField(name, ParseFields(text, ref position, expectClose: true)));
            }
            else if (!colon)
            {
                throw new FormatException($"Expected ':' or '{{' after '{name}' at {position}.");
            }
            else if (position < text.Length && text[position] is '"' or '\'')
            {
                var bytes = new List<byte>();
                while (position < text.Length && text[position] is '"' or '\'')
                {
                    bytes.AddRange(ReadQuoted(text, ref position));
                    SkipSpace(text, ref position);
                }

                message.Fields.Add(new TextField(name, new TextLiteral([.. bytes])));
            }
            else
            {
                message.Fields.Add(new TextField(name, ReadToken(text, ref position)));
            }
        }
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length)
        {
            if (char.IsWhiteSpace(text[position]))
            {
                position++;
            }
            else if (text[position] == '#')
            {
                while (position < text.Length && text[position] != '\n')
                {
                    position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static string ReadToken(string text, ref int position)
    {
        int start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '.' or '-' or '+'))
        {
            position++;
        }

        if (start == position)
        {
            throw new FormatException($"Expected a name or value at {position}: '{text[position..Math.Min(text.Length, position + 20)]}'.");
        }

        return text[start..position];
    }

    private static List<byte> ReadQuoted(string text, ref int position)
    {
        char quote = text[position++];
        var bytes = new List<byte>();
        while (true)
        {
            if (position >= text.Length)
            {
                throw new FormatException("Unterminated string in text format.");
            }

            char c = text[position++];
            if (c == quote)
            {
                return bytes;
            }

            if (c != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            char e = text[position++];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'a': bytes.Add(0x07); break;
                case 'b': bytes.Add(0x08); break;
                case 'f': bytes.Add(0x0C); break;
                case 'v': bytes.Add(0x0B); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '\'': bytes.Add((byte)'\''); break;
                case '"': bytes.Add((byte)'"'); break;
                case '?': bytes.Add((byte)'?'); break;
                case 'x':
                {
                    int start = position;
                    while (position < text.Length && position - start < 2 && Uri.IsHexDigit(text[position]))
                    {
                        position++;
                    }

                    bytes.Add(Convert.ToByte(text[start..position], 16));
                    break;
                }

                case >= '0' and <= '7':
                {
                    int start = position - 1;
                    while (position < text.Length && position - start < 3 && text[position] is >= '0' and <= '7')
                    {
                        position++;
                    }

                    bytes.Add(Convert.ToByte(text[start..position], 8));
                    break;
                }

                default:
                    throw new FormatException($"Unknown escape '\\{e}' in text format.");
            }
        }
    }
}
