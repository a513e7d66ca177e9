using System.Globalization;
using System.Text;

namespace NonStdPort.Core.Rules;

/// <summary>Writes a rule set in the rules-file format, every key present, lists in full.</summary>
internal static class RulesFileWriter
{
    public static string Write(RuleSet rules)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("# Effective NonStdPort rule set: the defaults merged with the rules file, if any.");
        yaml.AppendLine("# Lists written here replace the defaults when this file is used with --rules.");
        yaml.Append("threshold: ").Append(rules.Threshold.ToString(CultureInfo.InvariantCulture)).AppendLine();
        yaml.Append("score_inbound: ").AppendLine(Bool(rules.ScoreInbound));
        List(yaml, "high_risk_processes", rules.HighRiskProcesses.Names.Select(Quote));
        List(yaml, "c2_ports", rules.C2Ports.Ports.Select(Number));
        List(yaml, "standard_ports", rules.StandardPorts.Ports.Select(Number));
        List(yaml, "internal_networks", rules.InternalNetworks.Networks.Select(Quote));

        Suppressions suppress = rules.Suppressions;
        yaml.AppendLine("suppress:");
        List(yaml, "  processes", suppress.Processes.Names.Select(Quote));
        List(yaml, "  networks", suppress.Networks.Networks.Select(Quote));
        if (suppress.Combinations.IsEmpty)
        {
            yaml.AppendLine("  combinations: []");
        }
        else
        {
            yaml.AppendLine("  combinations:");
            foreach (SuppressionCombination c in suppress.Combinations)
            {
                yaml.Append("    - process: ").AppendLine(Quote(c.Process));
                yaml.Append("      network: ").AppendLine(Quote(c.Network));
                if (c.Port is { } port)
                {
                    yaml.Append("      port: ").AppendLine(Number(port));
                }

                if (c.Reason is { } reason)
                {
                    yaml.Append("      reason: ").AppendLine(Quote(reason));
                }
            }
        }

        BeaconOptions beacon = rules.Beacon;
        yaml.AppendLine("beacon:");
        yaml.Append("  enabled: ").AppendLine(Bool(beacon.Enabled));
        yaml.Append("  count: ").AppendLine(Number(beacon.Count));
        yaml.Append("  min_interval: ").AppendLine(Duration.Format(beacon.MinInterval));
        yaml.Append("  max_interval: ").AppendLine(Duration.Format(beacon.MaxInterval));
        yaml.Append("  max_jitter: ").AppendLine(beacon.MaxJitter.ToString("R", CultureInfo.InvariantCulture));
        yaml.Append("  max_lateness: ").AppendLine(Duration.Format(beacon.MaxLateness));
        yaml.Append("  max_keys: ").AppendLine(Number(beacon.MaxKeys));
        yaml.AppendLine("rdp_port_change:");
        yaml.Append("  enabled: ").AppendLine(Bool(rules.RdpPortChange.Enabled));
        LineageOptions lineage = rules.Lineage;
        yaml.AppendLine("lineage:");
        yaml.Append("  enabled: ").AppendLine(Bool(lineage.Enabled));
        yaml.Append("  max_processes: ").AppendLine(Number(lineage.MaxProcesses));
        yaml.Append("  grace_period: ").AppendLine(Duration.Format(lineage.TerminatedGrace));
        return yaml.ToString();
    }

    private const int LineWidth = 100;

    /// <summary>A flow list, wrapped onto indented continuation lines when it grows past <see cref="LineWidth"/>.</summary>
    private static void List(StringBuilder yaml, string key, IEnumerable<string> items)
    {
        string indent = new(' ', key.Length - key.TrimStart().Length + 2);
        int lineStart = yaml.Length;
        yaml.Append(key).Append(": [");
        bool first = true;
        foreach (string item in items)
        {
            if (!first)
            {
                yaml.Append(',');
                if (yaml.Length - lineStart + item.Length + 2 > LineWidth)
                {
                    yaml.AppendLine();
                    lineStart = yaml.Length;
                    yaml.Append(indent);
                }
                else
                {
                    yaml.Append(' ');
                }
            }

            yaml.Append(item);
            first = false;
        }

        yaml.AppendLine("]");
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A YAML double-quoted scalar (the same escapes as JSON).</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    quoted.Append("\\\"");
                    break;
                case '\\':
                    quoted.Append("\\\\");
                    break;
                case < ' ':
                    quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    quoted.Append(c);
                    break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
