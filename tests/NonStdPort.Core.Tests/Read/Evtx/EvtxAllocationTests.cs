using NonStdPort.Core.Read;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>
/// Spec: once warm, an <see cref="EvtxReader"/> allocates nothing per record: rendering each record
/// (templates compiled once per chunk into reused buffers) and reading it as a Sysmon record, for clean
/// chunks and for damaged ones alike.
/// </summary>
public sealed class EvtxAllocationTests
{
    public static TheoryData<string, int> Files() => new()
    {
        // (file, a byte of chunk 0 to damage, or -1)
        { "AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01", -1 },
        { "Defense_Evasion__Sysmon_7_Update_Session_Orchestrator_Dll_Hijack", -1 },
        { "Defense_Evasion__sysmon_13_rdp_settings_tampering", -1 },
        { "AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01", 574 }, // the shared template: every record of the chunk is damaged
        { "AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01", 536 }, // the first record's binary XML
    };

    [DatasetTheory]
    [MemberData(nameof(Files))]
    public void Reading_warm_chunks_allocates_nothing_per_record(string name, int damage)
    {
        byte[] bytes = File.ReadAllBytes(Datasets.Path($"evtx-attack-samples/evtx/{name}.evtx"));
        if (damage >= 0)
        {
            bytes[EvtxReader.FileHeaderSize + damage] ^= 0xF0;
        }

        var reader = new EvtxReader();
        var sink = new CountingSink();
        int chunks = (bytes.Length - EvtxReader.FileHeaderSize) / EvtxReader.ChunkSize;
        void ReadAll()
        {
            for (int c = 0; c < chunks; c++)
            {
                reader.ReadChunk(bytes.AsSpan(EvtxReader.FileHeaderSize + (c * EvtxReader.ChunkSize), EvtxReader.ChunkSize), c, sink);
            }
        }

        ReadAll();
        EvtxFile expected = EvtxFile.Read(bytes);
        Assert.Equal(expected.Records.Count, sink.Records);
        Assert.Equal(expected.Damage.Count, sink.Damage);
        Assert.True(sink.Records > 0);
        Assert.Equal(sink.Records, sink.Read); // every rendered record reads as a Sysmon record

        AllocationAssert.None(ReadAll, iterations: 5);
    }

    private sealed class CountingSink : IEvtxRecordSink
    {
        private readonly RecordReader _reader = new();

        public int Records { get; private set; }
        public int Damage { get; private set; }
        public int Read { get; private set; }

        public void OnRecord(ReadOnlySpan<byte> eventXml, long recordNumber)
        {
            Records++;
            var view = default(SysmonRecord);
            Read += _reader.Read(eventXml, ref view).IsOk && view.EventId > 0 ? 1 : 0;
        }

        public void OnDamage(long chunk, long recordNumber, EvtxDamage damage) => Damage++;
    }
}
