using NonStdPort.Core.Tests.Support;
using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>Spec: reading allocates nothing per record once warm, for every envelope, escaped values included.</summary>
public sealed class AllocationTests
{
    public static TheoryData<string> Records()
    {
        var data = new TheoryData<string>();
        foreach (string record in Samples.All.Values)
        {
            data.Add(record);
        }

        data.Add("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\Users\\J\u00fcrgen\\\ud83d\ude00.exe","Imag\u0065":"x","DestinationPort":4444}""");
        data.Add("""<Event><System><Provider Name="Microsoft-Windows-Sysmon"/><EventID>3</EventID></System><EventData><Data Name="Image">&lt;unknown process&gt;</Data><Data Name="User"><![CDATA[a]]>&#x62;</Data></EventData></Event>""");
        return data;
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Reading_a_warm_batch_allocates_nothing(string text)
    {
        byte[] record = Encoding.UTF8.GetBytes(text);
        var reader = new RecordReader();
        int ok = ReadBatch(reader, record, 100); // warm up: JIT, static SearchValues, scratch buffer

        int calls = 100;
        AllocationAssert.None(() =>
        {
            calls += 1000;
            ok += ReadBatch(reader, record, 1000);
        }, 10);

        Assert.Equal(calls, ok);
    }

    private static int ReadBatch(RecordReader reader, byte[] record, int count)
    {
        int ok = 0;
        var view = default(SysmonRecord);
        for (int i = 0; i < count; i++)
        {
            if (reader.Read(record, ref view).IsOk && view.EventId == 3)
            {
                ok++;
            }
        }

        return ok;
    }
}
