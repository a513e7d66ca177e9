using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Core;

/// <summary>
/// The one entry point of the core: reads a record in any supported envelope, runs every
/// detection over it and writes the alerts it raises into an <see cref="AlertBatch"/>.
/// One instance per thread (or Kafka partition): it owns scratch buffers and detection state.
/// </summary>
public sealed class Engine
{
    /// <summary>Creates an engine over an immutable rule set.</summary>
    public Engine(RuleSet rules, EngineOptions? options = null)
    {
        Rules = rules;
        Options = options ?? new EngineOptions();
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Rules { get; }

    /// <summary>The options in force.</summary>
    public EngineOptions Options { get; }

    /// <summary>Running totals.</summary>
    public EngineCounters Counters { get; } = new();

    /// <summary>Reads, scores and (when it is an alert) writes one record.</summary>
    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
    {
        throw new NotImplementedException();
    }
}
