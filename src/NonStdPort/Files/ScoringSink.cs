using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Feeds framed records to the scorer, tagged with their file and line, and reports each
/// malformed one on stderr as <c>FILE:LINE: reason</c>. Alerts accumulate in <see cref="Batch"/>
/// until the pipeline drains it.
/// </summary>
internal sealed class ScoringSink(IRecordScorer scorer, AlertBatch batch, TextWriter errors) : IRecordSink
{
    private string _file = InputOpener.StandardInputName;
    private bool _errorsWritten;

    /// <summary>The batch alerts are written into.</summary>
    public AlertBatch Batch => batch;

    /// <summary>Records the framer rejected as oversize (the engine never saw them).</summary>
    public long Oversize { get; private set; }

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

    /// <inheritdoc />
    public void OnOversize(long line)
    {
        Oversize++;
        ReportMalformed(line, MalformedReason.Oversize);
    }

    /// <summary>True once if malformed records were reported since the last call (so stderr gets flushed).</summary>
    public bool TakeErrorsWritten()
    {
        bool written = _errorsWritten;
        _errorsWritten = false;
        return written;
    }

    private void ReportMalformed(long line, MalformedReason reason)
    {
        errors.Write(_file);
        errors.Write(':');
        errors.Write(line);
        errors.Write(": ");
        errors.WriteLine(MalformedReasons.Describe(reason));
        _errorsWritten = true;
    }
}
