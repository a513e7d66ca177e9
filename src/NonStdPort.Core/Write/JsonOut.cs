namespace NonStdPort.Core.Write;

/// <summary>
/// A minimal JSON appender for the ECS and OCSF documents: members go straight into an
/// <see cref="AlertBatch"/> with commas placed per nesting level. Names are ASCII constants written
/// as given; string values are escaped as JSON requires. Absent values (empty or <c>-</c>) are left
/// out rather than written as null, as both schemas expect. One instance per writer; allocation-free
/// once its repair buffer (used only for invalid UTF-8) has grown.
/// </summary>
internal sealed class JsonOut
{
    private const int MaxDepth = 16;
    private AlertBatch _batch = null!;
    private int _depth;
    private int _hasMember; // bit per depth: a member was written at that level
    private byte[]? _repair;

    /// <summary>Starts a document in <paramref name="batch"/> (writes the opening brace).</summary>
    public void Start(AlertBatch batch)
    {
        _batch = batch;
        _depth = 0;
        _hasMember = 0;
        batch.Write("{"u8);
    }

    /// <summary>Ends the document (closing brace); the caller writes the newline.</summary>
    public void Finish()
    {
        while (_depth > 0)
        {
            Close();
        }

        _batch.Write("}"u8);
    }

    /// <summary>Where the next byte lands in the batch.</summary>
    public int Position => _batch.WrittenCount;

    public void Name(ReadOnlySpan<byte> name)
    {
        int bit = 1 << _depth;
        if ((_hasMember & bit) != 0)
        {
            _batch.Write(","u8);
        }

        _hasMember |= bit;
        _batch.Write("\""u8);
        _batch.Write(name);
        _batch.Write("\":"u8);
    }

    /// <summary>Opens a nested object member.</summary>
    public void Open(ReadOnlySpan<byte> name)
    {
        Name(name);
        _batch.Write("{"u8);
        Push();
    }

    /// <summary>Opens an object as the next element of an array (written by the caller with <see cref="Name"/> and <c>[</c>).</summary>
    public void OpenElement()
    {
        _batch.Write("{"u8);
        Push();
    }

    /// <summary>Closes the innermost object.</summary>
    public void Close()
    {
        _hasMember &= ~(1 << _depth);
        _depth--;
        _batch.Write("}"u8);
    }

    public void String(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (AlertText.IsAbsent(value))
        {
            return;
        }

        Name(name);
        AlertText.JsonString(_batch, value, ref _repair);
    }

    /// <summary>A string member; returns where the value's bytes (inside the quotes) lie, for the alert's key.</summary>
    public (int Start, int Length) StringAt(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (AlertText.IsAbsent(value))
        {
            return (Position, 0);
        }

        Name(name);
        int start = Position + 1;
        AlertText.JsonString(_batch, value, ref _repair);
        return (start, Position - 1 - start);
    }

    /// <summary>A constant string member: the value is plain ASCII needing no escaping.</summary>
    public void Constant(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name(name);
        _batch.Write("\""u8);
        _batch.Write(value);
        _batch.Write("\""u8);
    }

    /// <summary>A member whose value is JSON text written as is.</summary>
    public void Raw(ReadOnlySpan<byte> name, ReadOnlySpan<byte> json)
    {
        Name(name);
        _batch.Write(json);
    }

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        AlertText.Number(_batch, value);
    }

    public void Decimal(ReadOnlySpan<byte> name, double value, int decimals)
    {
        Name(name);
        AlertText.Decimal(_batch, value, decimals);
    }

    public void Bool(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        _batch.Write(value ? "true"u8 : "false"u8);
    }

    public void Iso(ReadOnlySpan<byte> name, long utcTicks)
    {
        Name(name);
        _batch.Write("\""u8);
        AlertText.Iso(_batch, utcTicks);
        _batch.Write("\""u8);
    }

    /// <summary>Writes the source object members (file and line or record, or topic, partition and offset) into the open object.</summary>
    public void Source(in SourceRef source, ref AlertText.Utf8Name file, ref AlertText.Utf8Name topic)
    {
        if (source.Topic is not null)
        {
            String("topic"u8, topic.Get(source.Topic));
            Number("partition"u8, source.Partition);
            Number("offset"u8, source.Offset);
        }
        else
        {
            if (source.File is not null)
            {
                // Written even when it is "-" (stdin), which String would leave out as absent.
                Name("file"u8);
                AlertText.JsonString(_batch, file.Get(source.File), ref _repair);
            }

            Number(source.IsEvtxRecord ? "record"u8 : "line"u8, source.Line);
        }
    }

    /// <summary>
    /// The alert's fields no schema has a place for, into the open object (ECS <c>nonstdport</c>,
    /// OCSF <c>unmapped.nonstdport</c>): the score columns, the detection's own members, the
    /// <c>--all</c> status and where the record came from.
    /// </summary>
    public void ProjectFields(in AlertDetails alert, in SourceRef source, ref AlertText.Utf8Name file, ref AlertText.Utf8Name topic)
    {
        ref readonly AlertColumns c = ref alert.Columns;
        Constant("event_category"u8, AlertText.EventCategory(c.EventCategory));
        Constant("log_source_type"u8, AlertText.Envelope(c.Envelope));
        Bool("is_high_risk_process"u8, c.IsHighRiskProcess);
        Bool("is_known_c2_port"u8, c.IsKnownC2Port);
        Number("risk_score"u8, c.RiskScore);
        Constant("severity"u8, AlertText.Severity(c.Severity));
        Constant("technique"u8, "T1571"u8);
        if (alert.IsBeacon)
        {
            Open("beacon"u8);
            Number("count"u8, alert.BeaconCount);
            Decimal("median_interval_s"u8, alert.BeaconMedianIntervalSeconds, 3);
            Decimal("jitter"u8, alert.BeaconJitter, 4);
            Iso("first_seen"u8, alert.BeaconFirstSeen);
            Iso("last_seen"u8, alert.BeaconLastSeen);
            Close();
        }

        if (alert.NewPort >= 0)
        {
            Number("new_port"u8, alert.NewPort);
        }

        if (alert.HasStatus)
        {
            Bool("alert"u8, alert.IsAlert);
            if (!alert.IsAlert)
            {
                Constant("not_alert_reason"u8, AlertText.Reason(alert.NotAlertReason));
            }
        }

        Open("source"u8);
        Source(source, ref file, ref topic);
        Close();
    }

    private void Push()
    {
        if (_depth == MaxDepth - 1)
        {
            ThrowTooDeep();
        }

        _depth++;
        _hasMember &= ~(1 << _depth);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooDeep() => throw new InvalidOperationException("Alert documents nest at most 15 objects.");
}
