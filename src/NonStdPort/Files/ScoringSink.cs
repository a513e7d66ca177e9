using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Feeds framed records to the scorer, tagged with their file and line, and reports each
/// malformed one on stderr as <c>FILE:LINE: reason</c>. Alerts accumulate in <see cref="Batch"/>
/// until the pipeline drains it. EVTX records are tagged with their record number, and EVTX damage
/// and malformed EVTX records are reported as <c>FILE:chunk C record R: reason</c>.
/// </summary>
internal sealed class ScoringSink(IRecordScorer scorer, AlertBatch batch, TextWriter errors) : IRecordSink
{
    private string _file = InputOpener.StandardInputName;
    private bool _errorsWritten;
    private long _chunk;
    private EvtxSink? _evtxSink;

    /// <summary>The batch alerts are written into.</summary>
    public AlertBatch Batch => batch;

    /// <summary>Records the framer rejected as oversize (the engine never saw them).</summary>
    public long Oversize { get; private set; }

    /// <summary>Damaged parts of EVTX files (chunks, records) the engine never saw, counted as malformed.</summary>
    public long Damaged { get; private set; }

    /// <summary>Malformed records the engine never saw: oversize plus EVTX damage.</summary>
    public long Unscored => Oversize + Damaged;

    /// <summary>Names the input the next records come from.</summary>
    public void StartInput(string file) => _file = file;

    /// <inheritdoc />
    public void OnRecord(ReadOnlySpan<byte> record, long line)
    {
        RecordOutcome outcome = scorer.Process(record, SourceRef.FromFile(_file, line), batch);
        if (outcome.Kind == OutcomeKind.Malformed)
        {
            ReportMalformed(line, outcome.Malformed);
        }
    }

    /// <summary>
    /// Takes a chunk back from the scoring threads, in input order: the alerts they wrote join the
    /// batch, the records they left (needing detection state) are scored here, and malformed and
    /// oversize records are reported, all in the order of the records.
    /// </summary>
    public void TakeScored(RecordChunk chunk)
    {
        int entry = 0;
        foreach (ref readonly ChunkRecord record in chunk.Records)
        {
            switch (record.Status)
            {
                case ChunkRecordStatus.Done:
                    batch.AppendFrom(chunk.Batch, entry, record.EntryEnd);
                    break;
                case ChunkRecordStatus.Deferred:
                    OnRecord(chunk.Bytes(record), record.Line);
                    break;
                case ChunkRecordStatus.Malformed:
                    ReportMalformed(record.Line, record.Reason);
                    break;
                case ChunkRecordStatus.Oversize:
                    OnOversize(record.Line);
                    break;
            }

            entry = record.EntryEnd;
        }
    }

    /// <inheritdoc />
    public void OnOversize(long line)
    {
        Oversize++;
        ReportMalformed(line, MalformedReason.Oversize);
    }

    /// <summary>The same sink seen by an <see cref="EvtxReader"/>.</summary>
    public IEvtxRecordSink Evtx => _evtxSink ??= new EvtxSink(this);

    private void OnEvtxRecord(ReadOnlySpan<byte> eventXml, long recordNumber)
    {
        RecordOutcome outcome = scorer.Process(eventXml, SourceRef.FromEvtx(_file, recordNumber), batch);
        if (outcome.Kind == OutcomeKind.Malformed)
        {
            ReportEvtx(_chunk, recordNumber, MalformedReasons.Describe(outcome.Malformed));
        }
    }

    private void OnEvtxDamage(long chunk, long recordNumber, EvtxDamage damage)
    {
        // A checksum mismatch alone loses nothing (the records are then checked one by one): reported, not counted.
        if (damage is not (EvtxDamage.ChunkHeaderChecksum or EvtxDamage.RecordsChecksum))
        {
            Damaged++;
        }

        ReportEvtx(chunk, recordNumber, EvtxDamages.Describe(damage));
    }

    /// <summary>Names the EVTX chunk (0-based) the next records come from.</summary>
    public void StartChunk(long chunk) => _chunk = chunk;

    /// <summary>Reports damage to the EVTX file header; counted as malformed unless only its checksum is wrong.</summary>
    public void OnFileDamage(EvtxDamage damage)
    {
        string reason = EvtxDamages.Describe(damage);
        if (damage != EvtxDamage.FileHeaderChecksum)
        {
            Damaged++;
        }

        errors.Write(_file);
        errors.Write(": ");
        errors.WriteLine(reason);
        _errorsWritten = true;
    }

    /// <summary>True once if malformed records were reported since the last call (so stderr gets flushed).</summary>
    public bool TakeErrorsWritten()
    {
        bool written = _errorsWritten;
        _errorsWritten = false;
        return written;
    }

    /// <summary>Reports a malformed record as <c>FILE:LINE: reason</c> (counted by whoever scored it).</summary>
    public void ReportMalformed(long line, MalformedReason reason)
    {
        errors.Write(_file);
        errors.Write(':');
        errors.Write(line);
        errors.Write(": ");
        errors.WriteLine(MalformedReasons.Describe(reason));
        _errorsWritten = true;
    }

    private void ReportEvtx(long chunk, long recordNumber, string reason)
    {
        errors.Write(_file);
        errors.Write(":chunk ");
        errors.Write(chunk);
        errors.Write(" record ");
        errors.Write(recordNumber);
        errors.Write(": ");
        errors.WriteLine(reason);
        _errorsWritten = true;
    }

    private sealed class EvtxSink(ScoringSink owner) : IEvtxRecordSink
    {
        public void OnRecord(ReadOnlySpan<byte> eventXml, long recordNumber) => owner.OnEvtxRecord(eventXml, recordNumber);

        public void OnDamage(long chunk, long recordNumber, EvtxDamage damage) => owner.OnEvtxDamage(chunk, recordNumber, damage);
    }
}
