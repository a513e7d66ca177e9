using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NonStdPort.Core.Rules;

/// <summary>
/// Reads a YAML rules file into a <see cref="RuleSet"/>, merged over the defaults, and writes a rule
/// set back as YAML (<c>nonstdport rules show</c>).
/// </summary>
/// <remarks>
/// <para>Merge semantics. A key that is absent keeps its default. For the four lists
/// (<c>high_risk_processes</c>, <c>c2_ports</c>, <c>standard_ports</c>, <c>internal_networks</c>):
/// a YAML sequence REPLACES the default list (<c>c2_ports: []</c> empties it); a mapping with
/// <c>add:</c> and/or <c>remove:</c> EDITS the default list (removing an entry that is not in it is
/// an error, so typos do not pass silently). Suppressions have no defaults. The detection sections
/// (<c>beacon</c>, <c>rdp_port_change</c>, <c>lineage</c>) merge key by key: a key left out keeps
/// its default.</para>
/// <para>Validation collects every error with its line and column: unknown keys, wrong types
/// (a quoted number is a string), bad CIDRs, ports outside 0-65535, thresholds outside 1-3,
/// malformed durations, duplicate keys and YAML syntax errors. The output of <see cref="ToYaml"/>
/// reads back to the same rule set.</para>
/// </remarks>
public static class RulesFile
{
    /// <summary>Reads a rules file from disk; throws <see cref="RulesFileException"/> when it is invalid.</summary>
    public static RuleSet Load(string path)
    {
        RulesFileResult result = Parse(File.ReadAllText(path));
        return result.Rules ?? throw new RulesFileException(path, result.Errors);
    }

    /// <summary>Reads rules-file text. Never throws for bad content: problems are returned as errors.</summary>
    public static RulesFileResult Parse(string yaml)
    {
        var reader = new RulesFileReader();
        return reader.Read(yaml);
    }

    /// <summary>The rule set as a rules file: every key, every list written out in full.</summary>
    public static string ToYaml(RuleSet rules) => RulesFileWriter.Write(rules);
}

/// <summary>Walks the YAML tree, collects errors, fills a <see cref="RuleSetBuilder"/>.</summary>
internal sealed class RulesFileReader
{
    private readonly List<RulesFileError> _errors = [];
    private readonly RuleSetBuilder _builder = new();

    public RulesFileResult Read(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            string message = e.InnerException is { } inner && inner.Message.Length > 0 ? inner.Message : e.Message;
            message = StripMark(message);
            Error(e.Start, message.StartsWith("Duplicate key ", StringComparison.Ordinal)
                ? $"duplicate key '{message["Duplicate key ".Length..]}'"
                : "YAML syntax error: " + message);
            return Done();
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode.Start, "a rules file holds one YAML document");
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return Done();
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode.Start, "the rules file must be a mapping of keys (threshold, c2_ports, ...)");
            return Done();
        }

        foreach (var (key, value) in Entries(root))
        {
            switch (key.Value)
            {
                case "threshold":
                    if (Int(value, RuleSetBuilder.MinThreshold, RuleSetBuilder.MaxThreshold, "threshold") is { } threshold)
                    {
                        _builder.Threshold = threshold;
                    }

                    break;
                case "score_inbound":
                    if (Bool(value) is { } scoreInbound)
                    {
                        _builder.ScoreInbound = scoreInbound;
                    }

                    break;
                case "high_risk_processes":
                    _builder.HighRiskProcesses = MergeList(value, _builder.HighRiskProcesses, ProcessName, StringComparer.OrdinalIgnoreCase);
                    break;
                case "c2_ports":
                    _builder.C2Ports = MergePorts(value, _builder.C2Ports);
                    break;
                case "standard_ports":
                    _builder.StandardPorts = MergePorts(value, _builder.StandardPorts);
                    break;
                case "internal_networks":
                    _builder.InternalNetworks = MergeList(value, _builder.InternalNetworks, Network, CidrComparer.Instance);
                    break;
                case "suppress":
                    ReadSuppress(value);
                    break;
                case "beacon":
                    ReadBeacon(value);
                    break;
                case "rdp_port_change":
                    ReadRdpPortChange(value);
                    break;
                case "lineage":
                    ReadLineage(value);
                    break;
                default:
                    UnknownKey(key, "threshold, score_inbound, high_risk_processes, c2_ports, standard_ports, internal_networks, suppress, beacon, rdp_port_change, lineage");
                    break;
            }
        }

        return Done();
    }

    private RulesFileResult Done()
    {
        if (_errors.Count > 0)
        {
            return new RulesFileResult(null, _errors);
        }

        try
        {
            return new RulesFileResult(_builder.Build(), _errors);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // Every value was checked where it stands; this catches cross-field rules the builder enforces.
            _errors.Add(new RulesFileError(1, 1, e.Message));
            return new RulesFileResult(null, _errors);
        }
    }

    private void ReadSuppress(YamlNode node)
    {
        if (Mapping(node) is not { } map)
        {
            return;
        }

        foreach (var (key, value) in Entries(map))
        {
            switch (key.Value)
            {
                case "processes":
                    _builder.SuppressedProcesses = MergeList(value, [], ProcessName, StringComparer.OrdinalIgnoreCase);
                    break;
                case "networks":
                    _builder.SuppressedNetworks = MergeList(value, [], Network, CidrComparer.Instance);
                    break;
                case "combinations":
                    ReadCombinations(value);
                    break;
                default:
                    UnknownKey(key, "processes, networks, combinations");
                    break;
            }
        }
    }

    private void ReadCombinations(YamlNode node)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(node.Start, "suppress.combinations must be a list of {process, network, port, reason} entries");
            return;
        }

        var combinations = new List<SuppressionCombination>();
        foreach (YamlNode item in sequence)
        {
            if (Mapping(item) is not { } map)
            {
                continue;
            }

            string? process = null, network = null, reason = null;
            int? port = null;
            bool ok = true;
            foreach (var (key, value) in Entries(map))
            {
                switch (key.Value)
                {
                    case "process":
                        process = ProcessName(value);
                        ok &= process is not null;
                        break;
                    case "network":
                        network = Network(value);
                        ok &= network is not null;
                        break;
                    case "port":
                        port = Port(value);
                        ok &= port is not null;
                        break;
                    case "reason":
                        reason = Text(value);
                        break;
                    default:
                        UnknownKey(key, "process, network, port, reason");
                        break;
                }
            }

            if (process is null || network is null)
            {
                if (ok)
                {
                    Error(map.Start, "a combination needs both 'process' and 'network' ('port' and 'reason' are optional)");
                }

                continue;
            }

            if (ok)
            {
                combinations.Add(new SuppressionCombination(process, network, port, reason));
            }
        }

        _builder.SuppressedCombinations = combinations;
    }

    private void ReadBeacon(YamlNode node)
    {
        if (Mapping(node) is not { } map)
        {
            return;
        }

        BeaconOptions o = _builder.Beacon;
        foreach (var (key, value) in Entries(map))
        {
            switch (key.Value)
            {
                case "enabled":
                    o = Bool(value) is { } enabled ? o with { Enabled = enabled } : o;
                    break;
                case "count":
                    o = Int(value, 3, 1000, "beacon.count") is { } count ? o with { Count = count } : o;
                    break;
                case "min_interval":
                    o = Duration(value) is { } minInterval ? o with { MinInterval = minInterval } : o;
                    break;
                case "max_interval":
                    o = Duration(value) is { } maxInterval ? o with { MaxInterval = maxInterval } : o;
                    break;
                case "max_jitter":
                    o = Fraction(value, "beacon.max_jitter") is { } jitter ? o with { MaxJitter = jitter } : o;
                    break;
                case "max_lateness":
                    o = Duration(value) is { } lateness ? o with { MaxLateness = lateness } : o;
                    break;
                case "max_keys":
                    o = Int(value, 1, int.MaxValue, "beacon.max_keys") is { } maxKeys ? o with { MaxKeys = maxKeys } : o;
                    break;
                default:
                    UnknownKey(key, "enabled, count, min_interval, max_interval, max_jitter, max_lateness, max_keys");
                    break;
            }
        }

        if (DetectionOptionsValidator.Beacon(o) is { } error)
        {
            Error(map.Start, error);
        }

        _builder.Beacon = o;
    }

    private void ReadRdpPortChange(YamlNode node)
    {
        if (Mapping(node) is not { } map)
        {
            return;
        }

        foreach (var (key, value) in Entries(map))
        {
            if (key.Value == "enabled")
            {
                if (Bool(value) is { } enabled)
                {
                    _builder.RdpPortChange = _builder.RdpPortChange with { Enabled = enabled };
                }
            }
            else
            {
                UnknownKey(key, "enabled");
            }
        }
    }

    private void ReadLineage(YamlNode node)
    {
        if (Mapping(node) is not { } map)
        {
            return;
        }

        LineageOptions o = _builder.Lineage;
        foreach (var (key, value) in Entries(map))
        {
            switch (key.Value)
            {
                case "enabled":
                    o = Bool(value) is { } enabled ? o with { Enabled = enabled } : o;
                    break;
                case "max_processes":
                    o = Int(value, 1, int.MaxValue, "lineage.max_processes") is { } max ? o with { MaxProcesses = max } : o;
                    break;
                case "grace_period":
                    o = Duration(value) is { } grace ? o with { TerminatedGrace = grace } : o;
                    break;
                default:
                    UnknownKey(key, "enabled, max_processes, grace_period");
                    break;
            }
        }

        _builder.Lineage = o;
    }

    /// <summary>A sequence replaces <paramref name="current"/>; a mapping with add/remove edits it.</summary>
    private List<T> MergeList<T>(YamlNode node, List<T> current, Func<YamlNode, T?> item, IEqualityComparer<T> comparer)
        where T : class
    {
        if (node is YamlSequenceNode sequence)
        {
            return Items(sequence, item);
        }

        if (node is not YamlMappingNode map)
        {
            Error(node.Start, "expected a list (which replaces the default) or a mapping with 'add' and/or 'remove' (which edits it)");
            return current;
        }

        var result = new List<T>(current);
        foreach (var (key, value) in Entries(map))
        {
            bool add = key.Value == "add";
            if (!add && key.Value != "remove")
            {
                UnknownKey(key, "add, remove");
                continue;
            }

            if (value is not YamlSequenceNode list)
            {
                Error(value.Start, $"'{key.Value}' must be a list");
                continue;
            }

            foreach (YamlNode entry in list)
            {
                if (item(entry) is not { } parsed)
                {
                    continue;
                }

                int index = result.FindIndex(existing => comparer.Equals(existing, parsed));
                if (add && index < 0)
                {
                    result.Add(parsed);
                }
                else if (!add && index >= 0)
                {
                    result.RemoveAt(index);
                }
                else if (!add)
                {
                    Error(entry.Start, $"cannot remove '{((YamlScalarNode)entry).Value}': it is not in the list");
                }
            }
        }

        return result;
    }

    private List<int> MergePorts(YamlNode node, List<int> current)
    {
        List<string> ports = MergeList(node, current.ConvertAll(p => p.ToString(CultureInfo.InvariantCulture)), PortText, StringComparer.Ordinal);
        return ports.ConvertAll(p => int.Parse(p, CultureInfo.InvariantCulture));
    }

    /// <summary>A valid port, as canonical text (so that ports share the list-merging code with names and networks).</summary>
    private string? PortText(YamlNode node) => Port(node)?.ToString(CultureInfo.InvariantCulture);

    private List<T> Items<T>(YamlSequenceNode sequence, Func<YamlNode, T?> item)
        where T : class
    {
        var result = new List<T>();
        foreach (YamlNode entry in sequence)
        {
            if (item(entry) is { } parsed)
            {
                result.Add(parsed);
            }
        }

        return result;
    }

    private string? ProcessName(YamlNode node)
    {
        if (Text(node) is not { } name)
        {
            return null;
        }

        if (ProcessNameSet.Validate(name) is { } error)
        {
            Error(node.Start, error);
            return null;
        }

        return name;
    }

    private string? Network(YamlNode node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        if (!Cidr.TryParse(text, out _, out string? error))
        {
            Error(node.Start, error!);
            return null;
        }

        return text;
    }

    private int? Port(YamlNode node) => Int(node, 0, ushort.MaxValue, "a port");

    private string? Text(YamlNode node)
    {
        if (node is YamlScalarNode { Value: { } value } scalar && !IsNull(scalar))
        {
            return value;
        }

        Error(node.Start, "expected a text value");
        return null;
    }

    private int? Int(YamlNode node, int min, int max, string what)
    {
        if (PlainScalar(node, "a whole number") is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            Error(node.Start, $"expected a whole number, got '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node.Start, $"{what} must be from {min} to {max}, got {value}");
            return null;
        }

        return (int)value;
    }

    private double? Fraction(YamlNode node, string what)
    {
        if (PlainScalar(node, "a number") is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value > 1)
        {
            Error(node.Start, $"{what} must be a number from 0 to 1, got '{text}'");
            return null;
        }

        return value;
    }

    private bool? Bool(YamlNode node)
    {
        if (PlainScalar(node, "true or false") is not { } text)
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return true;
        }

        if (text is "false" or "False" or "FALSE")
        {
            return false;
        }

        Error(node.Start, $"expected true or false, got '{text}'");
        return null;
    }

    private TimeSpan? Duration(YamlNode node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        if (!Rules.Duration.TryParse(text, out TimeSpan value, out string? error))
        {
            Error(node.Start, error!);
            return null;
        }

        return value;
    }

    /// <summary>An unquoted scalar (a quoted one is a string in YAML, so not a number or a boolean).</summary>
    private string? PlainScalar(YamlNode node, string expected)
    {
        if (node is YamlScalarNode { Value: { } value } scalar && !IsNull(scalar))
        {
            if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
            {
                return value;
            }

            Error(node.Start, $"expected {expected}, got the quoted text \"{value}\" (remove the quotes)");
            return null;
        }

        Error(node.Start, $"expected {expected}");
        return null;
    }

    private YamlMappingNode? Mapping(YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node.Start, "expected a mapping of keys");
        return null;
    }

    /// <summary>The entries of a mapping whose keys are plain text; other keys are reported.</summary>
    private IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries(YamlMappingNode map)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: not null } scalar)
            {
                yield return (scalar, value);
            }
            else
            {
                Error(key.Start, "a key must be plain text");
            }
        }
    }

    private void UnknownKey(YamlScalarNode key, string known) =>
        Error(key.Start, $"unknown key '{key.Value}' (expected one of: {known})");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private void Error(Mark mark, string message) => _errors.Add(new RulesFileError((int)mark.Line, (int)mark.Column, message));

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 40) - (Line: ...): "; the position is reported separately.
        int at = message.LastIndexOf("): ", StringComparison.Ordinal);
        return at >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(at + 3)..] : message;
    }

    private sealed class CidrComparer : IEqualityComparer<string>
    {
        public static readonly CidrComparer Instance = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null
            && Cidr.TryParse(x, out Cidr a, out _) && Cidr.TryParse(y, out Cidr b, out _)
            && a.First == b.First && a.Last == b.Last;

        public int GetHashCode(string obj) => 0;
    }
}
