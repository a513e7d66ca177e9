using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Write;

/// <summary>Who writes the alerts: the vendor, product and version every format names.</summary>
public static class ProductInfo
{
    /// <summary>The vendor (CEF/LEEF header, ECS <c>observer.vendor</c>, OCSF <c>metadata.product.vendor_name</c>).</summary>
    public const string Vendor = "NonStdPort";

    /// <summary>The product name.</summary>
    public const string Product = "nonstdport";

    /// <summary>
    /// The product version, <c>MAJOR.MINOR.PATCH</c>: the assembly version, which comes from the one
    /// <c>Version</c> in Directory.Build.props, so a release bumps it in one place.
    /// </summary>
    public static readonly string Version = FormatVersion(typeof(ProductInfo).Assembly.GetName().Version);

    private static string FormatVersion(Version? version) =>
        version is null ? "0.0.0" : string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}.{Math.Max(version.Build, 0)}");
}

/// <summary>
/// Text shared by the alert formats, as UTF-8 bytes made once, and allocation-free appenders that
/// write straight into an <see cref="AlertBatch"/>.
/// </summary>
internal static class AlertText
{
    public static readonly byte[] Vendor = Encoding.UTF8.GetBytes(ProductInfo.Vendor);
    public static readonly byte[] Product = Encoding.UTF8.GetBytes(ProductInfo.Product);
    public static readonly byte[] Version = Encoding.UTF8.GetBytes(ProductInfo.Version);

    public const string TechniqueId = AlertWriter.Technique;
    public const string TechniqueName = "Non-Standard Port";
    public const string TechniqueReference = "https://attack.mitre.org/techniques/T1571/";
    public const string TacticId = "TA0011";
    public const string TacticName = "Command and Control";
    public const string TacticReference = "https://attack.mitre.org/tactics/TA0011/";

    private static readonly byte[][] RuleNames = [U("non_standard_port"), U("beacon"), U("rdp_port_change")];

    private static readonly byte[][] RuleTitles =
        [U("Connection to a non-standard port"), U("Beaconing on a non-standard port"), U("RDP listening port changed")];

    private static readonly byte[][] SeverityNames = [U("none"), U("low"), U("medium"), U("high")];

    private static readonly byte[][] ReasonNames =
        [U(""), U("inbound"), U("internal_destination"), U("suppressed"), U("below_threshold")];

    private static readonly byte[][] EnvelopeValues = CreateEnvelopeValues();

    public static ReadOnlySpan<byte> Rule(DetectionRule rule) => RuleNames[(int)rule < RuleNames.Length ? (int)rule : 0];

    public static ReadOnlySpan<byte> RuleTitle(DetectionRule rule) => RuleTitles[(int)rule < RuleTitles.Length ? (int)rule : 0];

    public static ReadOnlySpan<byte> Severity(AlertSeverity severity) => SeverityNames[(int)severity & 3];

    public static ReadOnlySpan<byte> Reason(NotAlertReason reason) => ReasonNames[(int)reason < ReasonNames.Length ? (int)reason : 0];

    public static ReadOnlySpan<byte> Envelope(Envelope envelope) => EnvelopeValues[(int)envelope < EnvelopeValues.Length ? (int)envelope : 0];

    public static ReadOnlySpan<byte> EventCategory(string category) =>
        category == DetectionAlertWriter.RegistryValueSetCategory ? "registry_value_set"u8 : "network_connection"u8;

    /// <summary>
    /// A 0-100 risk score for a severity, as Elastic's detection rules use for low (21), medium (47)
    /// and high (73); 0 for none.
    /// </summary>
    public static int RiskScore100(AlertSeverity severity) => severity switch
    {
        AlertSeverity.High => 73,
        AlertSeverity.Medium => 47,
        AlertSeverity.Low => 21,
        _ => 0,
    };

    /// <summary>A 0-10 severity for CEF and LEEF: low 3, medium 5, high 8, none 0, each inside CEF's bands (0-3 low, 4-6 medium, 7-8 high, 9-10 very high).</summary>
    public static int Severity10(AlertSeverity severity) => severity switch
    {
        AlertSeverity.High => 8,
        AlertSeverity.Medium => 5,
        AlertSeverity.Low => 3,
        _ => 0,
    };

    /// <summary>True when the value is to be left out (empty or Sysmon's <c>-</c> placeholder).</summary>
    public static bool IsAbsent(ReadOnlySpan<byte> value) => NetworkConnection.IsAbsent(value);

    /// <summary>The file name of a Windows or POSIX path (after the last <c>\</c> or <c>/</c>).</summary>
    public static ReadOnlySpan<byte> FileName(ReadOnlySpan<byte> path)
    {
        int at = path.LastIndexOfAny((byte)'\\', (byte)'/');
        return at < 0 ? path : path[(at + 1)..];
    }

    /// <summary>An alert's event time for ranking: the ticks, or <see cref="long.MinValue"/> when the record had none.</summary>
    public static long RankTime(long eventTimeTicks) => eventTimeTicks >= 0 ? eventTimeTicks : long.MinValue;

    /// <summary>UTC ticks as milliseconds since the Unix epoch.</summary>
    public static long UnixMilliseconds(long utcTicks) => (utcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public static void Raw(AlertBatch batch, ReadOnlySpan<byte> bytes) => batch.Write(bytes);

    public static void Number(AlertBatch batch, long value)
    {
        Span<byte> span = batch.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        batch.Advance(written);
    }

    /// <summary>A number with up to <paramref name="decimals"/> decimals, no exponent, no trailing zeros.</summary>
    public static void Decimal(AlertBatch batch, double value, int decimals)
    {
        Span<byte> span = batch.GetSpan(32);
        value = Math.Round(value, decimals);
        ReadOnlySpan<char> format = decimals switch { 3 => "0.###", 4 => "0.####", _ => "0.######" };
        value.TryFormat(span, out int written, format, CultureInfo.InvariantCulture);
        batch.Advance(written);
    }

    /// <summary>ISO 8601 UTC with milliseconds (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>).</summary>
    public static void Iso(AlertBatch batch, long utcTicks)
    {
        EventTime.FormatIso(utcTicks, batch.GetSpan(EventTime.IsoFormattedLength));
        batch.Advance(EventTime.IsoFormattedLength);
    }

    /// <summary>A JSON string: quoted, with only what JSON requires escaped.</summary>
    public static void JsonString(AlertBatch batch, ReadOnlySpan<byte> value, ref byte[]? repair)
    {
        value = Valid(value, ref repair);
        Span<byte> span = batch.GetSpan(JsonStringEscaper.MaxQuotedLength(value.Length));
        batch.Advance(JsonStringEscaper.Quote(value, span));
    }

    /// <summary>
    /// The value when it is valid UTF-8, else a copy with U+FFFD for every invalid sequence (readers
    /// hand over valid UTF-8; this keeps a reader bug from corrupting the output).
    /// </summary>
    public static ReadOnlySpan<byte> Valid(ReadOnlySpan<byte> value, scoped ref byte[]? repair)
    {
        if (System.Text.Unicode.Utf8.IsValid(value))
        {
            return value;
        }

        int most = value.Length * 3;
        if (repair is null || repair.Length < most)
        {
            repair = new byte[Math.Max(most, 256)];
        }

        int n = 0;
        while (!value.IsEmpty)
        {
            // An invalid sequence decodes as U+FFFD and consumes at least one byte.
            Rune.DecodeFromUtf8(value, out Rune rune, out int consumed);
            n += rune.EncodeToUtf8(repair.AsSpan(n));
            value = value[consumed..];
        }

        return repair.AsSpan(0, n);
    }

    /// <summary>
    /// A file or topic name as UTF-8, encoded once per distinct name rather than per alert (a host
    /// passes the same string for every record of a file or topic).
    /// </summary>
    internal struct Utf8Name
    {
        private string? _name;
        private byte[] _bytes;

        public ReadOnlySpan<byte> Get(string name)
        {
            if (!ReferenceEquals(name, _name))
            {
                _bytes = Encoding.UTF8.GetBytes(name);
                _name = name;
            }

            return _bytes;
        }
    }

    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[][] CreateEnvelopeValues()
    {
        var values = new byte[(int)Enum.GetValues<Envelope>().Max() + 1][];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = U(EnvelopeNames.Name((Envelope)i));
        }

        return values;
    }
}
