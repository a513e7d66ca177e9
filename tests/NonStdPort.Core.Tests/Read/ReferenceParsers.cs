using System.Text;
using System.Text.Json;
using System.Xml;

namespace NonStdPort.Core.Tests.Read;

/// <summary>
/// The BCL's conforming parsers (System.Text.Json, System.Xml), used as the yardstick the reader's
/// strictness is measured against: a record they reject must be malformed for the reader too.
/// </summary>
public static class ReferenceParsers
{
    /// <summary>True when the record and any wrapped payload it carries are well-formed JSON / XML.</summary>
    public static bool Accepts(byte[] record)
    {
        if (!System.Text.Unicode.Utf8.IsValid(record))
        {
            return false;
        }

        string text = Encoding.UTF8.GetString(record).Trim(' ', '\t', '\r', '\n');
        if (text.StartsWith('<') || text.StartsWith('\uFEFF'))
        {
            return AcceptsXml(text.TrimStart('\uFEFF'));
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 1000 });
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("SyslogMessage", out var message) && message.ValueKind == JsonValueKind.String
                    && message.GetString()!.TrimStart().StartsWith('<'))
                {
                    return AcceptsXml(message.GetString()!.Trim());
                }

                if (root.TryGetProperty("EventData", out var data) && data.ValueKind == JsonValueKind.String
                    && data.GetString()!.Trim().Length > 0)
                {
                    using var inner = JsonDocument.Parse(data.GetString()!);
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>XML 1.0 well-formedness, without namespace checks and with no DTD allowed.</summary>
    public static bool AcceptsXml(string xml)
    {
        try
        {
#pragma warning disable CA5369 // no DTD processing, no resolver: nothing is expanded or loaded
            using var reader = new XmlTextReader(new StringReader(xml))
            {
                Namespaces = false,
                Normalization = true,
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
            };
#pragma warning restore CA5369
            while (reader.Read())
            {
            }

            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }
}
