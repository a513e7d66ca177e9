using System.Buffers;
using System.Text;
using System.Text.Json;

namespace NonStdPort.Kafka.Hosting;

/// <summary>How log lines are written (<c>--log-format</c>, key <c>LogFormat</c>).</summary>
public enum LogFormat
{
    /// <summary><c>2026-12-02T18:51:17.123Z INFO message</c>: a UTC timestamp, a level, the message.</summary>
    Text,

    /// <summary>One JSON object per line: <c>timestamp</c>, <c>level</c>, <c>message</c> and the line's fields.</summary>
    Json,
}

/// <summary>How serious a log line is.</summary>
public enum LogLevel
{
    /// <summary>Detail for debugging (librdkafka's debug lines).</summary>
    Debug,

    /// <summary>What the process is doing: assignments, stats, reloads.</summary>
    Info,

    /// <summary>Something is wrong with input or a peer, and the process carries on.</summary>
    Warning,

    /// <summary>Something failed; the process may stop.</summary>
    Error,
}

/// <summary>One named value of a log line: a property of the JSON object (in text, the message already says it).</summary>
/// <param name="Name">The property name.</param>
/// <param name="Text">The value when it is text (null when <see cref="IsNumber"/>).</param>
/// <param name="Number">The value when it is a number.</param>
/// <param name="IsNumber">True for a number.</param>
public readonly record struct LogField(string Name, string? Text, double Number, bool IsNumber)
{
    /// <summary>A text field.</summary>
    public static LogField Of(string name, string? value) => new(name, value, 0, false);

    /// <summary>A numeric field.</summary>
    public static LogField Of(string name, double value) => new(name, null, value, true);
}

/// <summary>
/// The one logger of the hosts (<c>run</c>, <c>score</c>, <c>broker</c>): every line gets a UTC
/// timestamp (ISO 8601, milliseconds) and a level, in text or as one JSON object. Safe from any
/// thread; lines never interleave. <see cref="Writer"/> adapts it to a <see cref="TextWriter"/>
/// for code that writes lines, so nothing on stderr escapes the format.
/// </summary>
public sealed class Logger
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly bool _bare;
    private readonly Func<DateTime> _utcNow;
    private readonly object _gate = new();
    private readonly ArrayBufferWriter<byte> _json = new(512);
    private readonly Utf8JsonWriter _jsonWriter;
    private char[] _chars = new char[512];

    /// <summary>Creates a logger writing lines in <paramref name="format"/> to <paramref name="output"/>.</summary>
    public Logger(TextWriter output, LogFormat format, Func<DateTime>? utcNow = null)
        : this(output, format, bare: false, utcNow)
    {
    }

    private Logger(TextWriter output, LogFormat format, bool bare, Func<DateTime>? utcNow)
    {
        _output = output;
        Format = format;
        _bare = bare;
        _utcNow = utcNow ?? (() => DateTime.UtcNow);
        _jsonWriter = new Utf8JsonWriter(_json, JsonOptions);
    }

    /// <summary>The format of the lines.</summary>
    public LogFormat Format { get; }

    /// <summary>
    /// The logger behind <paramref name="writer"/> when it is one of this logger's writers; otherwise a
    /// logger writing bare messages to it (a library host that brings its own writer keeps its lines as they were).
    /// </summary>
    public static Logger For(TextWriter writer) => writer is LogWriter adapter ? adapter.Logger : new Logger(writer, LogFormat.Text, bare: true, null);

    /// <summary>Parses a <c>--log-format</c> value; false when it is neither text nor json.</summary>
    public static bool TryParseFormat(string? text, out LogFormat format)
    {
        format = LogFormat.Text;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "text":
                return true;
            case "json":
                format = LogFormat.Json;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A writer whose every line is one log line at <paramref name="level"/>.</summary>
    public TextWriter Writer(LogLevel level) => new LogWriter(this, level, _output.Encoding);

    /// <summary>Writes an info line.</summary>
    public void Info(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Info, message, fields);

    /// <summary>Writes a warning line.</summary>
    public void Warn(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Warning, message, fields);

    /// <summary>Writes an error line.</summary>
    public void Error(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Error, message, fields);

    /// <summary>Writes one line.</summary>
    public void Write(LogLevel level, string message, params ReadOnlySpan<LogField> fields) => Write(level, message.AsSpan(), fields);

    /// <summary>Writes one line (a message with line breaks stays one line in JSON).</summary>
    public void Write(LogLevel level, ReadOnlySpan<char> message, ReadOnlySpan<LogField> fields = default)
    {
        lock (_gate)
        {
            if (_bare)
            {
                _output.WriteLine(message);
                return;
            }

            DateTime now = _utcNow();
            if (Format == LogFormat.Text)
            {
                Span<char> stamp = stackalloc char[32];
                now.TryFormat(stamp, out int written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                _output.Write(stamp[..written]);
                _output.Write(' ');
                _output.Write(TextLevel(level));
                _output.Write(' ');
                _output.WriteLine(message);
                return;
            }

            WriteJson(now, level, message, fields);
        }
    }

    /// <summary>Flushes the output.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _output.Flush();
        }
    }

    private void WriteJson(DateTime now, LogLevel level, ReadOnlySpan<char> message, ReadOnlySpan<LogField> fields)
    {
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        _jsonWriter.WriteStartObject();
        Span<char> stamp = stackalloc char[32];
        now.TryFormat(stamp, out int written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        _jsonWriter.WriteString("timestamp"u8, stamp[..written]);
        _jsonWriter.WriteString("level"u8, JsonLevel(level));
        _jsonWriter.WriteString("message"u8, message);
        foreach (LogField field in fields)
        {
            if (field.IsNumber)
            {
                _jsonWriter.WriteNumber(field.Name, field.Number);
            }
            else if (field.Text is null)
            {
                _jsonWriter.WriteNull(field.Name);
            }
            else
            {
                _jsonWriter.WriteString(field.Name, field.Text);
            }
        }

        _jsonWriter.WriteEndObject();
        _jsonWriter.Flush();
        ReadOnlySpan<byte> bytes = _json.WrittenSpan;
        int needed = Encoding.UTF8.GetMaxCharCount(bytes.Length);
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        int count = Encoding.UTF8.GetChars(bytes, _chars);
        _output.WriteLine(_chars.AsSpan(0, count));
    }

    private static string TextLevel(LogLevel level) => level switch
    {
        LogLevel.Debug => "DEBUG",
        LogLevel.Info => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static string JsonLevel(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warning => "warning",
        _ => "error",
    };
}

/// <summary>
/// A <see cref="TextWriter"/> over a <see cref="Logger"/>: what is written is gathered up to each
/// line break and written as one log line at one level. Partial writes (<c>FILE</c>, <c>:</c>,
/// <c>LINE</c>, ...) make one line, as they did on a plain stream.
/// </summary>
internal sealed class LogWriter(Logger logger, LogLevel level, Encoding encoding) : TextWriter
{
    private readonly StringBuilder _line = new();
    private char[] _scratch = new char[256];

    /// <summary>The logger lines go to.</summary>
    public Logger Logger => logger;

    /// <inheritdoc />
    public override Encoding Encoding => encoding;

    /// <inheritdoc />
    public override string NewLine
    {
#pragma warning disable CS8765 // the base accepts null and means the default; this writer always ends lines with \n
        get => "\n";
        set { }
#pragma warning restore CS8765
    }

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                EmitLine();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    /// <inheritdoc />
    public override void Write(string? value) => Write(value.AsSpan());

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_line)
        {
            while (!buffer.IsEmpty)
            {
                int end = buffer.IndexOf('\n');
                if (end < 0)
                {
                    _line.Append(buffer);
                    return;
                }

                _line.Append(buffer[..end]);
                EmitLine();
                buffer = buffer[(end + 1)..];
            }
        }
    }

    /// <inheritdoc />
    public override void WriteLine(string? value) => WriteLine(value.AsSpan());

    /// <inheritdoc />
    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_line)
        {
            Write(buffer);
            EmitLine();
        }
    }

    /// <inheritdoc />
    public override void WriteLine() => Write('\n');

    /// <inheritdoc />
    public override void Flush() => logger.Flush();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_line)
            {
                if (_line.Length > 0)
                {
                    EmitLine();
                }
            }
        }

        base.Dispose(disposing);
    }

    private void EmitLine()
    {
        int length = _line.Length;
        if (length > 0 && _line[length - 1] == '\r')
        {
            length--;
        }

        if (_scratch.Length < length)
        {
            _scratch = new char[Math.Max(length, _scratch.Length * 2)];
        }

        _line.CopyTo(0, _scratch, 0, length);
        _line.Clear();
        logger.Write(level, _scratch.AsSpan(0, length));
    }
}
