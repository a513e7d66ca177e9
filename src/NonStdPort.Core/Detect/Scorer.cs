using System.Runtime.CompilerServices;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Detect;

/// <summary>
/// The single-event T1571 score over an immutable <see cref="RuleSet"/>:
/// 3 = high-risk process AND known C2 port; 2 = high-risk process AND a port that is neither
/// standard nor &lt;= 1024; 1 = known C2 port; else 0. A connection is an alert when it is outbound
/// (or of unknown direction; inbound only with <c>score_inbound</c>), its destination is not
/// internal, no suppression matches, and the score reaches the threshold. The reasons are checked
/// in that order and the first that applies is reported. Allocation-free; safe to share.
/// </summary>
public sealed class Scorer
{
    private readonly RuleSet _rules;

    /// <summary>Creates a scorer.</summary>
    public Scorer(RuleSet rules) => _rules = rules;

    /// <summary>Scores a connection, the image given as UTF-8 (full path or bare name).</summary>
    [SkipLocalsInit]
    public Verdict Score(ReadOnlySpan<byte> image, in IpAddress destination, int port, ConnectionDirection direction)
    {
        Span<byte> lower = stackalloc byte[ProcessFileName.MaxBytes];
        Span<char> chars = stackalloc char[ProcessFileName.MaxBytes];
        return Score(ProcessFileName.FromImage(image, lower, chars), destination, port, direction);
    }

    /// <summary>Scores a connection, the image's file name already prepared.</summary>
    public Verdict Score(in ProcessFileName fileName, in IpAddress destination, int port, ConnectionDirection direction)
    {
        RuleSet rules = _rules;
        bool highRisk = rules.HighRiskProcesses.Contains(fileName);
        bool c2 = rules.C2Ports.Contains(port);
        byte score = RiskScore(highRisk, c2, rules.StandardPorts.Contains(port), port);

        NotAlertReason why;
        if (direction == ConnectionDirection.Inbound && !rules.ScoreInbound)
        {
            why = NotAlertReason.Inbound;
        }
        else if (rules.InternalNetworks.Contains(destination))
        {
            why = NotAlertReason.InternalDestination;
        }
        else if (rules.Suppressions.Matches(fileName, destination, port))
        {
            why = NotAlertReason.Suppressed;
        }
        else if (score < rules.Threshold)
        {
            why = NotAlertReason.BelowThreshold;
        }
        else
        {
            why = NotAlertReason.None;
        }

        return new Verdict(highRisk, c2, score, why);
    }

    /// <summary>The three-tier score from its inputs.</summary>
    public static byte RiskScore(bool highRisk, bool c2Port, bool standardPort, int port)
    {
        if (highRisk && c2Port)
        {
            return 3;
        }

        if (highRisk && !standardPort && port > 1024)
        {
            return 2;
        }

        return c2Port ? (byte)1 : (byte)0;
    }
}
