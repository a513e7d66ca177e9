using System.Text;
using NonStdPort.Core.Read;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>
/// Spec: every binary .evtx file of the public captures gives the same records as its XML rendering
/// (one event per line, beside it): the same count, and for every record the same event id,
/// provider, time and every field the readers use.
/// </summary>
public sealed class EvtxDatasetTests
{
    private const string Samples = "evtx-attack-samples";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        if (Datasets.Folder is null)
        {
            data.Add("(datasets absent)");
            return data;
        }

        foreach (string file in Directory.GetFiles(Datasets.Path($"{Samples}/evtx"), "*.evtx").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [DatasetTheory]
    [MemberData(nameof(Files))]
    public void Reading_only_each_chunks_used_part_gives_the_same_records(string name)
    {
        byte[] bytes = File.ReadAllBytes(Datasets.Path($"{Samples}/evtx/{name}.evtx"));
        EvtxFile whole = EvtxFile.Read(bytes);
        EvtxFile used = EvtxFile.Read(bytes, usedPartsOnly: true);

        Assert.Empty(used.Damage);
        Assert.Equal(whole.Records.Select(r => (r.Number, Convert.ToHexString(r.Xml))), used.Records.Select(r => (r.Number, Convert.ToHexString(r.Xml))));
    }

    [DatasetTheory]
    [MemberData(nameof(Files))]
    public void Every_record_reads_as_its_xml_rendering(string name)
    {
        EvtxFile evtx = EvtxFile.Read(File.ReadAllBytes(Datasets.Path($"{Samples}/evtx/{name}.evtx")));
        string[] xml = File.ReadAllLines(Datasets.Path($"{Samples}/xml/{name}.xml"));

        Assert.Empty(evtx.Damage);
        Assert.Equal(xml.Length, evtx.Records.Count);
        var reader = new RecordReader();
        for (int i = 0; i < xml.Length; i++)
        {
            string expected = ToMilliseconds(ReadOutcome.Of(xml[i], reader).ToString());
            string actual = ToMilliseconds(ReadOutcome.Of(evtx.Records[i].Xml, reader).ToString());
            Assert.True(expected == actual, $"record {evtx.Records[i].Number}:\n xml:  {expected}\n evtx: {actual}\n rendered: {Encoding.UTF8.GetString(evtx.Records[i].Xml)}");
            // The record header's number (exported files renumber from 1; EventRecordID keeps the original).
            Assert.Equal(evtx.Records[0].Number + i, evtx.Records[i].Number);
        }
    }

    // The renderings' FILETIMEs went through a float (a few microseconds off, e.g. .305349 for .305351);
    // the reader's are exact, so times of records without a UtcTime are compared to the millisecond.
    private static string ToMilliseconds(string outcome) =>
        System.Text.RegularExpressions.Regex.Replace(outcome, @"(UtcTime=[0-9-]+ [0-9:]+\.[0-9]{3})[0-9]{3}", "$1");

    [DatasetFact]
    public void The_files_hold_the_documented_totals()
    {
        // Datasets README: 44 files, 1 216 records, 164 Sysmon EID 3; EID 13 as their XML renderings.
        var reader = new RecordReader();
        string[] files = Directory.GetFiles(Datasets.Path($"{Samples}/evtx"), "*.evtx");
        int records = 0, eid3 = 0, eid13 = 0, xmlEid13 = 0;
        foreach (string file in files)
        {
            foreach ((long _, byte[] xml) in EvtxFile.Read(File.ReadAllBytes(file)).Records)
            {
                ReadOutcome outcome = ReadOutcome.Of(xml, reader);
                records++;
                eid3 += outcome.Provider == ProviderKind.Sysmon && outcome.EventId == 3 ? 1 : 0;
                eid13 += outcome.Provider == ProviderKind.Sysmon && outcome.EventId == 13 ? 1 : 0;
            }

            foreach (string line in File.ReadLines(Datasets.Path($"{Samples}/xml/{Path.GetFileNameWithoutExtension(file)}.xml")))
            {
                ReadOutcome outcome = ReadOutcome.Of(line, reader);
                xmlEid13 += outcome.Provider == ProviderKind.Sysmon && outcome.EventId == 13 ? 1 : 0;
            }
        }

        Assert.Equal(44, files.Length);
        Assert.Equal(1216, records);
        Assert.Equal(164, eid3);
        Assert.True(eid13 > 0);
        Assert.Equal(xmlEid13, eid13);
    }
}
