using System.Globalization;
using System.Text;

namespace NonStdPort.Core.Tests.Write;

/// <summary>One parsed LEEF or CEF event: header fields and extensions, values unescaped.</summary>
internal sealed record LineEvent(string[] Header, Dictionary<string, string> Extensions);

/// <summary>
/// Strict LEEF 2.0 parser, written from IBM's LEEF guide rather than the writer: header
/// <c>LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|</c> where the delimiter is one character or
/// <c>x</c>/<c>0x</c> and 1-4 hex digits; attributes <c>key=value</c> separated by the delimiter;
/// keys are letters, digits and underscores; in values a backslash escapes the next character
/// (<c>\t</c>, <c>\n</c>, <c>\r</c> stand for those characters); a raw line break, a duplicate key or
/// an empty key is an error.
/// </summary>
internal static class LeefParser
{
    public static LineEvent Parse(string line)
    {
        if (!line.StartsWith("LEEF:2.0|", StringComparison.Ordinal))
        {
            throw new FormatException("not LEEF 2.0");
        }

        if (line.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new FormatException("a raw line break");
        }

        var header = new List<string>();
        int i = 0;
        while (header.Count < 6)
        {
            int bar = line.IndexOf('|', i);
            if (bar < 0)
            {
                throw new FormatException($"header has {header.Count} fields, LEEF 2.0 has 6");
            }

            header.Add(line[i..bar]);
            i = bar + 1;
        }

        char delimiter = Delimiter(header[5]);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in SplitUnescaped(line[i..], delimiter))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"attribute '{pair}' is not key=value");
            }

            string key = pair[..eq];
            if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new FormatException($"key '{key}' has other than letters, digits and _");
            }

            if (!attributes.TryAdd(key, Unescape(pair[(eq + 1)..])))
            {
                throw new FormatException($"duplicate key {key}");
            }
        }

        return new LineEvent([.. header], attributes);
    }

    private static char Delimiter(string field)
    {
        if (field.Length == 1)
        {
            return field[0];
        }

        string hex = field.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? field[2..] : field.StartsWith('x') || field.StartsWith('X') ? field[1..] : "";
        if (hex.Length is < 1 or > 4 || !int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
        {
            throw new FormatException($"delimiter '{field}' is neither one character nor x/0x and 1-4 hex digits");
        }

        return (char)code;
    }

    internal static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var current = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[i]).Append(text[++i]);
            }
            else if (text[i] == separator)
            {
                yield return current.ToString();
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    internal static string Unescape(string value)
    {
        var text = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                text.Append(value[i]);
                continue;
            }

            if (++i == value.Length)
            {
                throw new FormatException("a value ends in a lone backslash");
            }

            text.Append(value[i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', char c => c });
        }

        return text.ToString();
    }
}

/// <summary>
/// Strict CEF 0 parser, written from ArcSight's CEF implementation standard rather than the
/// writer: <c>CEF:0|Vendor|Product|Version|Signature ID|Name|Severity|Extension</c>; in header
/// fields only <c>\|</c> and <c>\\</c> are escapes; the severity is an integer 0-10 (or Low, Medium,
/// High, Very-High); extensions are space-separated <c>key=value</c> where a key is alphanumeric and
/// a value runs to the space before the next unescaped <c>=</c>; in values only <c>\=</c>, <c>\\</c>,
/// <c>\n</c> and <c>\r</c> are escapes and an unescaped <c>=</c> in a value is an error.
/// </summary>
internal static class CefParser
{
    public static LineEvent Parse(string line)
    {
        if (!line.StartsWith("CEF:0|", StringComparison.Ordinal))
        {
            throw new FormatException("not CEF 0");
        }

        if (line.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new FormatException("a raw line break");
        }

        var header = new List<string>();
        var field = new StringBuilder();
        int i = "CEF:0|".Length;
        while (header.Count < 6)
        {
            if (i >= line.Length)
            {
                throw new FormatException($"header has {header.Count + 1} fields, CEF has 7");
            }

            char c = line[i++];
            if (c == '\\')
            {
                char next = i < line.Length ? line[i++] : throw new FormatException("header ends in a backslash");
                if (next is not ('|' or '\\'))
                {
                    throw new FormatException($"header escape \\{next} is not \\| or \\\\");
                }

                field.Append(next);
            }
            else if (c == '|')
            {
                header.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        string severity = header[5];
        if (!(int.TryParse(severity, NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level <= 10)
            && severity is not ("Unknown" or "Low" or "Medium" or "High" or "Very-High"))
        {
            throw new FormatException($"severity '{severity}' is not 0-10");
        }

        return new LineEvent(["0", .. header], Extensions(line[i..]));
    }

    private static Dictionary<string, string> Extensions(string text)
    {
        // Unescaped '=' positions mark the end of keys; a key is the alphanumeric run before one.
        var equals = new List<int>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '=')
            {
                equals.Add(i);
            }
        }

        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        int keyStart = 0;
        for (int n = 0; n < equals.Count; n++)
        {
            string key = text[keyStart..equals[n]];
            if (key.Length == 0 || !key.All(char.IsAsciiLetterOrDigit))
            {
                throw new FormatException($"'{key}' is not an extension key (or a value holds an unescaped =)");
            }

            int valueEnd = n + 1 < equals.Count ? text.LastIndexOf(' ', equals[n + 1]) : text.Length;
            if (valueEnd < equals[n])
            {
                throw new FormatException($"no space before the key after {key}");
            }

            if (!extensions.TryAdd(key, Unescape(text[(equals[n] + 1)..valueEnd])))
            {
                throw new FormatException($"duplicate key {key}");
            }

            keyStart = valueEnd + 1;
        }

        return extensions;
    }

    private static string Unescape(string value)
    {
        var text = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                text.Append(value[i]);
                continue;
            }

            char next = ++i < value.Length ? value[i] : throw new FormatException("a value ends in a lone backslash");
            text.Append(next switch
            {
                '=' => '=',
                '\\' => '\\',
                'n' => '\n',
                'r' => '\r',
                _ => throw new FormatException($"extension escape \\{next} is not \\=, \\\\, \\n or \\r"),
            });
        }

        return text.ToString();
    }
}
