using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>Spec: values may be strings or numbers, carry escapes, come in any key order; unknown fields are ignored.</summary>
public sealed class ValueTests
{
    [Theory]
    [InlineData("""{"EventID":3,"DestinationPort":"4444"}""", "4444")]
    [InlineData("""{"EventID":3,"DestinationPort":4444}""", "4444")]
    [InlineData("""{"EventID":3,"DestinationPort":  4444 }""", "4444")]
    [InlineData("""{"winlog":{"event_id":3},"destination":{"port":4444}}""", "4444")]
    [InlineData("""{"winlog":{"event_id":3,"event_data":{"DestinationPort":"4444"}}}""", "4444")]
    [InlineData("""{"Event":{"System":{"EventID":3},"EventData":{"DestinationPort":4444}}}""", "4444")]
    [InlineData("""{"EventID":3,"DestinationPort":-1}""", "-1")]
    [InlineData("""{"EventID":3,"DestinationPort":4.4e3}""", "4.4e3")]
    public void Numbers_and_strings_are_both_given_as_text(string record, string expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome["DestinationPort"]);
    }

    [Theory]
    [InlineData("""{"EventID":3,"Image":"C:\\Windows\\cmd.exe"}""", @"C:\Windows\cmd.exe")]
    [InlineData("""{"EventID":3,"Image":"C:\\Windows\\cmd\u002eexe"}""", @"C:\Windows\cmd.exe")]
    [InlineData("""{"EventID":3,"Image":"C:\u005cWindows\u005Ccmd.exe"}""", @"C:\Windows\cmd.exe")]
    [InlineData("""{"EventID":3,"Image":"C:\/tmp\/a \"b\""}""", "C:/tmp/a \"b\"")]
    [InlineData("""{"EventID":3,"Image":"tab\there\r\nnl\b\f"}""", "tab\there\r\nnl\b\f")]
    [InlineData("""{"EventID":3,"Image":"C:\\Users\\Jürgen\\x.exe"}""", @"C:\Users\Jürgen\x.exe")]
    [InlineData("""{"EventID":3,"Image":"C:\\Users\\J\u00fcrgen\\x.exe"}""", @"C:\Users\Jürgen\x.exe")]
    [InlineData("""{"EventID":3,"Image":"C:\\Users\\\u7530\u4e2d\\x.exe"}""", @"C:\Users\田中\x.exe")]
    [InlineData("""{"EventID":3,"Image":"\ud83d\ude00.exe"}""", "😀.exe")]
    [InlineData("""{"EventID":3,"Image":"😀.exe"}""", "😀.exe")]
    [InlineData("""{"EventID":3,"Imag\u0065":"escaped-key.exe"}""", "escaped-key.exe")]
    [InlineData("""{"EventID":3,"\u0049\u006d\u0061\u0067\u0065":"all-escaped-key.exe"}""", "all-escaped-key.exe")]
    [InlineData("""{"winlog":{"event_id":3,"event_data":{"Image":"C:\\a\u002eexe"}}}""", @"C:\a.exe")]
    [InlineData("""{"EventID":3,"EventData":"{\"Image\":\"C:\\\\a\\u002eexe\"}"}""", @"C:\a.exe")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">&lt;unknown process&gt;</Data></EventData></Event>""", "<unknown process>")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">C:\a&#46;exe &#x2E; &amp; &apos; &quot;</Data></EventData></Event>""", @"C:\a.exe . & ' """)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">J&#252;rgen &#x1F600;</Data></EventData></Event>""", "Jürgen 😀")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image"><![CDATA[a<b>&c]]></Data></EventData></Event>""", "a<b>&c")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">a<!-- note -->b<?pi x?>c</Data></EventData></Event>""", "abc")]
    [InlineData("<Event><System><EventID>3</EventID></System><EventData><Data Name=\"Image\">a\r\nb\rc</Data></EventData></Event>", "a\nb\nc")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">a]b]]c</Data></EventData></Event>""", "a]b]]c")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="Im&#97;ge">entity-in-name.exe</Data></EventData></Event>""", "entity-in-name.exe")]
    public void Escaped_and_non_ASCII_values_are_decoded(string record, string expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome["Image"]);
    }

    [Theory]
    [InlineData("""{"EventID":3,"Initiated":"true"}""", "true")]
    [InlineData("""{"EventID":3,"Initiated":"True"}""", "True")]
    [InlineData("""{"EventID":3,"Initiated":true}""", "true")]
    [InlineData("""{"EventID":3,"Initiated":false}""", "false")]
    [InlineData("""{"EventID":3,"Initiated":null}""", null)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name='Initiated'>False</Data></EventData></Event>""", "False")]
    public void Booleans_are_given_as_written(string record, string? expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome["Initiated"]);
    }

    [Theory]
    [InlineData("0:0:0:0:0:0:0:1")]
    [InlineData("fe80:0:0:0:5efe:c0a8:10a")]
    [InlineData("ff02:0:0:0:0:0:1:3")]
    [InlineData("e000:fc:0:0:d778:8035:0:0")]
    [InlineData("::ffff:45.33.32.156")]
    public void IPv6_addresses_pass_through_unchanged(string address)
    {
        var json = ReadOutcome.Of($$"""{"EventID":3,"DestinationIp":"{{address}}"}""");
        var xml = ReadOutcome.Of($$"""<Event><System><EventID>3</EventID></System><EventData><Data Name="DestinationIp">{{address}}</Data></EventData></Event>""");

        Assert.Equal(address, json["DestinationIp"]);
        Assert.Equal(address, xml["DestinationIp"]);
    }

    [Theory]
    [InlineData("""{"EventID":3,"User":"-","DestinationHostname":"-"}""", "-")]
    [InlineData("""{"EventID":3,"User":"","DestinationHostname":""}""", null)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="User">-</Data><Data Name="DestinationHostname">-</Data></EventData></Event>""", "-")]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="User"></Data><Data Name="DestinationHostname"/></EventData></Event>""", null)]
    public void Placeholders_are_kept_as_read(string record, string? expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome["User"]);
        Assert.Equal(expected, outcome["DestinationHostname"]);
    }

    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Key_order_does_not_matter(string sample)
    {
        string record = Samples.All[sample];
        if (record.StartsWith('<'))
        {
            return; // XML element order is covered by the XML tests
        }

        var original = ReadOutcome.Of(record);
        var reversed = ReadOutcome.Of(ReverseTopLevelKeys(record));

        Assert.True(reversed.IsOk, reversed.ToString());
        Assert.Equal(original.ToString(), reversed.ToString());
    }

    [Theory]
    [InlineData("""{"EventID":3,"Extra":{"a":[1,2,{"b":null}],"c":"\u00e9"},"Tags":["x","y"],"Image":"a.exe","Score":-1.5e-3}""")]
    [InlineData("""{"winlog":{"event_id":3,"event_data":{"Foo":"bar","Image":"a.exe"},"opcode":"Info","process":{"pid":1,"thread":{"id":2}}},"agent":{"id":"z"}}""")]
    [InlineData("""<Event><System><EventID>3</EventID><Other a="1"><Deep>x</Deep></Other></System><EventData><Data Name="Unknown">u</Data><Data Name="Image">a.exe</Data></EventData><RenderingInfo Culture="en-US"><Message>m</Message></RenderingInfo></Event>""")]
    public void Unknown_fields_are_ignored(string record)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal("a.exe", outcome["Image"]);
    }

    [Fact]
    public void Escapes_and_control_characters_are_found_at_every_position_of_long_values()
    {
        var reader = new RecordReader();
        for (int length = 1; length <= 150; length++)
        {
            for (int at = 0; at < length; at++)
            {
                string plain = new string('a', at) + "." + new string('b', length - at - 1);
                string escaped = new string('a', at) + "\\u002e" + new string('b', length - at - 1);
                string control = new string('a', at) + "\u0001" + new string('b', length - at - 1);

                Assert.Equal(plain, ReadOutcome.Of($$"""{"EventID":3,"Image":"{{escaped}}"}""", reader)["Image"]);
                Assert.Equal(MalformedReason.InvalidJson, ReadOutcome.Of($$"""{"EventID":3,"Image":"{{control}}"}""", reader).Reason);
            }
        }
    }

    [Fact]
    public void Xml_references_and_markup_are_found_at_every_position_of_long_values()
    {
        var reader = new RecordReader();
        for (int length = 1; length <= 150; length++)
        {
            for (int at = 0; at < length; at++)
            {
                string before = new string('a', at);
                string after = new string('b', length - at - 1);
                string Record(string text, string name = "Image") =>
                    $"""<Event><System><EventID>3</EventID></System><EventData><Data Name="{name}">{text}</Data></EventData></Event>""";

                Assert.Equal(before + "<" + after, ReadOutcome.Of(Record(before + "&lt;" + after), reader)["Image"]);
                Assert.Equal(before + "]" + after, ReadOutcome.Of(Record(before + "]" + after), reader)["Image"]);
                Assert.Equal(MalformedReason.InvalidXml, ReadOutcome.Of(Record(before + "]]>" + after), reader).Reason);
                Assert.Equal(MalformedReason.InvalidXml, ReadOutcome.Of(Record("x", before + "<" + after), reader).Reason);
                Assert.Equal(MalformedReason.XmlUndefinedEntity, ReadOutcome.Of(Record("x", before + "&e;" + after), reader).Reason);
            }
        }
    }

    [Theory]
    [InlineData("\uFF21\uFFFD\uF000", true)]
    [InlineData("a\uFFFEb", false)]
    [InlineData("a\uFFFFb", false)]
    public void Xml_characters_near_the_end_of_the_BMP_are_told_apart(string escaped, bool legal)
    {
        string text = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var outcome = ReadOutcome.Of($"""<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">{text}</Data></EventData></Event>""");

        Assert.Equal(legal ? MalformedReason.None : MalformedReason.InvalidXml, outcome.Reason);
        if (legal)
        {
            Assert.Equal(text, outcome["Image"]);
        }
    }

    [Fact]
    public void Duplicate_keys_are_allowed_and_the_last_one_wins()
    {
        var outcome = ReadOutcome.Of("""{"EventID":3,"Image":"first.exe","Image":"second.exe"}""");

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal("second.exe", outcome["Image"]);
    }

    [Theory]
    [InlineData("  \r\n\t{\"EventID\":3}\r\n  ")]
    [InlineData("\r\n<Event><System><EventID>3</EventID></System></Event>\r\n")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Event><System><EventID>3</EventID></System></Event>")]
    [InlineData("<?xml version='1.0' standalone='yes'?><!-- c --><Event><System><EventID >3</EventID ></System></Event><!-- after --><?pi after?>")]
    [InlineData("\uFEFF<Event><System><EventID>3</EventID></System></Event>")]
    public void Surrounding_whitespace_and_prolog_are_fine(string record)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(3, outcome.EventId);
    }

    [Fact]
    public void Values_stay_valid_until_the_next_read_even_when_decoded()
    {
        var reader = new RecordReader();
        var first = ReadOutcome.Of("""{"EventID":3,"Image":"C:\\first.exe"}""", reader);
        var second = ReadOutcome.Of("""{"EventID":3,"Image":"C:\\second.exe"}""", reader);

        Assert.Equal(@"C:\first.exe", first["Image"]);
        Assert.Equal(@"C:\second.exe", second["Image"]);
    }

    private static string ReverseTopLevelKeys(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var members = document.RootElement.EnumerateObject().Reverse().Select(p => $"{System.Text.Json.JsonSerializer.Serialize(p.Name)}:{p.Value.GetRawText()}");
        return "{" + string.Join(",", members) + "}";
    }
}
