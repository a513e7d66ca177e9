using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>Spec: whatever a conforming JSON (RFC 8259) or XML 1.0 parser rejects is malformed, never read leniently.</summary>
public sealed class StrictnessTests
{
    [Theory]
    [InlineData("""{"EventID":3,}""")]
    [InlineData("""{"EventID":3,"Tags":[1,2,]}""")]
    [InlineData("""{"EventID" 3}""")]
    [InlineData("""{"EventID":3 "Image":"a"}""")]
    [InlineData("""{'EventID':3}""")]
    [InlineData("""{EventID:3}""")]
    [InlineData("""{"EventID":3,"Image":"a\qb"}""")]
    [InlineData("""{"EventID":3,"Image":"a\u12"}""")]
    [InlineData("""{"EventID":3,"Image":"a\u12G4"}""")]
    [InlineData("""{"EventID":3,"Image":"\ud800"}""")]
    [InlineData("""{"EventID":3,"Image":"\ud800x"}""")]
    [InlineData("""{"EventID":3,"Image":"\ud800\u0041"}""")]
    [InlineData("""{"EventID":3,"Image":"\udc00\ud800"}""")]
    [InlineData("""{"EventID":3,"Image":"a\"}""")]
    [InlineData("""{"EventID":03}""")]
    [InlineData("""{"EventID":3.}""")]
    [InlineData("""{"EventID":.3}""")]
    [InlineData("""{"EventID":+3}""")]
    [InlineData("""{"EventID":-}""")]
    [InlineData("""{"EventID":3e}""")]
    [InlineData("""{"EventID":3e+}""")]
    [InlineData("""{"EventID":NaN}""")]
    [InlineData("""{"EventID":Infinity}""")]
    [InlineData("""{"EventID":3,"Initiated":True}""")]
    [InlineData("""{"EventID":3,"Initiated":tru}""")]
    [InlineData("""{"EventID":3,"Initiated":nul}""")]
    [InlineData("""{"EventID":3}x""")]
    [InlineData("""{"EventID":3}{"EventID":3}""")]
    [InlineData("""{"EventID":3}}""")]
    [InlineData("""{"EventID":3""")]
    [InlineData("{\"EventID\":3,\"Image\":\"a")]
    [InlineData("{\"EventID\":3 // comment\n}")]
    [InlineData("""{"EventID":3,"Tags":[1 2]}""")]
    [InlineData("""{"EventID":3,"Tags":[}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":1]}""")]
    [InlineData("""{"EventID":3,"Extra":{,}}""")]
    [InlineData("""{,"EventID":3}""")]
    [InlineData("{\"EventID\":3,\"Image\":\"a\u0001b\"}")]
    [InlineData("{\"EventID\":3,\"Image\":\"line\nbreak\"}")]
    [InlineData("{\"EventID\":3,\"Image\":\"tab\tinside\"}")]
    [InlineData("{\"EventID\":3,\u000B\"Image\":\"a\"}")]
    [InlineData("{\"EventID\":3,\u00A0\"Image\":\"a\"}")]
    [InlineData("""{"EventID":3,"Extra":{"a":01}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":-}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":1.e5}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":"x\qy"}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":1,}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a" 1}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":1 "b":2}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a\q":1}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":{"b":[1,]}}}""")]
    [InlineData("""{"EventID":3,"Extra":{"a":1}""")]
    [InlineData("""{"Ev\qentID":3}""")]
    [InlineData("""{"EventID\u12":3}""")]
    [InlineData("""{"EventID\ud800":3}""")]
    [InlineData("{\"Event\u0001ID\":3}")]
    [InlineData("""{"EventID":3,"DestinationPort":4444-}""")]
    [InlineData("""{"EventID":3,"DestinationPort":-04}""")]
    public void Invalid_json_is_malformed(string record)
    {
        Assert.Equal(MalformedReason.InvalidJson, ReadOutcome.Of(record).Reason);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })] // overlong '/'
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)':', (byte)'1', (byte)'}' })] // encoded surrogate
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xE2, 0x82, (byte)'"', (byte)':', (byte)'1', (byte)'}' })] // truncated sequence
    [InlineData(new byte[] { (byte)'<', (byte)'E', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'>', 0xFE, (byte)'<', (byte)'/', (byte)'E', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'>' })]
    public void Invalid_utf8_anywhere_is_malformed(byte[] record)
    {
        Assert.Equal(MalformedReason.InvalidUtf8, ReadOutcome.Of(record).Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\t \r\n")]
    public void Empty_records_are_malformed(string record)
    {
        Assert.Equal(MalformedReason.Empty, ReadOutcome.Of(record).Reason);
    }

    [Fact]
    public void Records_over_the_size_limit_are_malformed()
    {
        var reader = new RecordReader(maxRecordBytes: 64);
        string small = """{"EventID":3,"Image":"a.exe"}""";
        string large = "{\"EventID\":3,\"Image\":\"a.exe\",\"Pad\":\"" + new string('x', 64) + "\"}";

        Assert.True(ReadOutcome.Of(small, reader).IsOk);
        Assert.Equal(MalformedReason.Oversize, ReadOutcome.Of(large, reader).Reason);
    }

    [Theory]
    [InlineData(63, MalformedReason.None)]
    [InlineData(64, MalformedReason.TooDeep)]
    [InlineData(500, MalformedReason.TooDeep)]
    public void Json_nesting_is_limited(int depth, MalformedReason expected)
    {
        // The root object is level 1; "Extra" adds `depth` more levels of arrays.
        string record = "{\"EventID\":3,\"Extra\":" + new string('[', depth) + new string(']', depth) + "}";

        Assert.Equal(expected, ReadOutcome.Of(record).Reason);
    }

    [Fact]
    public void Xml_nesting_is_limited()
    {
        string Nest(int depth) => "<Event>" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</Event>";

        Assert.Equal(MalformedReason.UnknownEnvelope, ReadOutcome.Of(Nest(63).Replace("<Event>", "<Other>").Replace("</Event>", "</Other>")).Reason);
        Assert.Equal(MalformedReason.None, ReadOutcome.Of(Nest(63)).Reason);
        Assert.Equal(MalformedReason.TooDeep, ReadOutcome.Of(Nest(64)).Reason);
        Assert.Equal(MalformedReason.TooDeep, ReadOutcome.Of(Nest(10_000)).Reason);
    }

    [Theory]
    [InlineData("""<!DOCTYPE Event [<!ENTITY x "y">]><Event><System><EventID>3</EventID></System></Event>""", MalformedReason.XmlDoctype)]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE Event SYSTEM "http://example.com/e.dtd"><Event/>""", MalformedReason.XmlDoctype)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">&xxe;</Data></EventData></Event>""", MalformedReason.XmlUndefinedEntity)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">&nbsp;</Data></EventData></Event>""", MalformedReason.XmlUndefinedEntity)]
    [InlineData("""<Event><System><Provider Name="&ent;"/></System></Event>""", MalformedReason.XmlUndefinedEntity)]
    [InlineData("""<Event><System><EventID>3</EventID></System>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><System><EventID>3</System></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><System><EventID>3</EventId></System></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event></event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><System></System></Event><Event></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><System></System></Event>trailing""", MalformedReason.InvalidXml)]
    [InlineData("""text<Event></Event>""", MalformedReason.UnknownEnvelope)]
    [InlineData("""<Event><Provider Name=Sysmon/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Provider Name="a" Name="b"/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Provider Name="a"Guid="b"/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Provider Name="a<b"/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Provider Name="a&b"/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Provider Name="a'/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>a & b</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>a &amp b</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>a ]]> b</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><!-- a -- b --></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><!-- a ---></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><!-- unclosed </Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><![CDATA[unclosed</Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<![CDATA[x]]><Event></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><?xml version="1.0"?></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><?xml-stylesheet?></Event>""", MalformedReason.None)]
    [InlineData("""<Event><? pi?></Event>""", MalformedReason.InvalidXml)]
    [InlineData(""" <?xml version="1.0" encoding="UTF-16"?><Event/>""", MalformedReason.InvalidXml)]
    [InlineData("""<?xml version="2.0"?><Event/>""", MalformedReason.InvalidXml)]
    [InlineData("""<?xml encoding="UTF-8"?><Event/>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#0;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#xD800;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#x110000;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#x;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data>&#12a;</Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><1Data/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event>< Data/></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data/ ></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><Data></ Data></Event>""", MalformedReason.InvalidXml)]
    [InlineData("""<Event><!ELEMENT x ANY></Event>""", MalformedReason.InvalidXml)]
    [InlineData("<Event><Data>a\u0001b</Data></Event>", MalformedReason.InvalidXml)]
    [InlineData("<Event><Data>\uFFFE</Data></Event>", MalformedReason.InvalidXml)]
    [InlineData("""<Event/>""", MalformedReason.None)]
    public void Xml_well_formedness_is_enforced(string record, MalformedReason expected)
    {
        Assert.Equal(expected, ReadOutcome.Of(record).Reason);
    }

    [Theory]
    [InlineData("""{"EventID":3,"EventData":"{\"Image\":\"a\""}""")]
    [InlineData("""{"EventID":3,"EventData":"not json"}""")]
    [InlineData("""{"EventID":3,"EventData":"{\"Image\":\"a\"} x"}""")]
    [InlineData("""{"EventID":3,"EventData":"[1]"}""")]
    [InlineData("""{"SyslogMessage":"<Event><System><EventID>3</EventID></System>","Computer":"h"}""")]
    [InlineData("""{"SyslogMessage":"<!DOCTYPE x><Event/>","Computer":"h"}""")]
    public void Invalid_wrapped_payloads_are_malformed(string record)
    {
        Assert.Equal(MalformedReason.InvalidWrappedPayload, ReadOutcome.Of(record).Reason);
    }

    [Theory]
    [InlineData("""{"Computer":"h","SyslogMessage":"sshd[412]: Accepted publickey for bob"}""")]
    [InlineData("""{"EventID":3,"Provider":"Microsoft-Windows-Sysmon","EventData":""}""")]
    public void Wrapped_rows_without_an_event_are_read_without_one(string record)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Null(outcome["Image"]);
    }

    [Fact]
    public void Every_reason_has_a_description()
    {
        foreach (MalformedReason reason in Enum.GetValues<MalformedReason>())
        {
            Assert.NotEqual("malformed record", MalformedReasons.Describe(reason));
        }

        Assert.Equal("XML DOCTYPE is not allowed", MalformedReasons.Describe(ReadOutcome.Of(Encoding.UTF8.GetBytes("<!DOCTYPE a><Event/>")).Reason));
    }
}
