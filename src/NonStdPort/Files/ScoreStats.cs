using System.Diagnostics;
using System.Globalization;
using NonStdPort.Core.Detect;

namespace NonStdPort.Cli.Files;

/// <summary>The <c>--stats</c> report: a progress line every few seconds while running, a summary at the end, on stderr.</summary>
internal sealed class ScoreStats(TextWriter errors, TimeSpan progressInterval)
{
    private readonly TimeSpan _interval = progressInterval;
    /// <summary>How often a progress line is written on long inputs.</summary>
    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(3);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _nextProgress = progressInterval;

    /// <summary>Writes a progress line when the interval has passed since the last one.</summary>
    public void Tick(EngineCounters counters, long oversize)
    {
        TimeSpan elapsed = _clock.Elapsed;
        if (elapsed < _nextProgress)
        {
            return;
        }

        _nextProgress = elapsed + _interval;
        long records = counters.Records + oversize;
        errors.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"progress: {records:N0} records, {Rate(records, elapsed):N0} records/s, {counters.Alerts:N0} alerts, {counters.Malformed + oversize:N0} malformed, {elapsed.TotalSeconds:N1} s"));
        errors.Flush();
    }

    /// <summary>Writes the final summary.</summary>
    public void Report(EngineCounters c, long oversize)
    {
        TimeSpan elapsed = _clock.Elapsed;
        long records = c.Records + oversize;
        var s = CultureInfo.InvariantCulture;
        double cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        errors.WriteLine(string.Create(s, $"records:          {records:N0} in {elapsed.TotalSeconds:N2} s ({Rate(records, elapsed):N0} records/s; process CPU {cpu:N2} s)"));
        errors.WriteLine(string.Create(s, $"network events:   {c.NetworkEvents:N0} (Sysmon event id 3, scored)"));
        errors.WriteLine(string.Create(s, $"alerts:           {c.Alerts:N0} (score 3: {c.AlertsByScore[3]:N0}, score 2: {c.AlertsByScore[2]:N0}, score 1: {c.AlertsByScore[1]:N0})"));
        errors.WriteLine(string.Create(s, $"  of which:       beacon {c.BeaconAlerts:N0}, rdp_port_change {c.RdpPortChangeAlerts:N0} (the scores above count non_standard_port alerts)"));
        errors.WriteLine(string.Create(s, $"detection state:  beacon keys evicted {c.BeaconKeysEvicted:N0}, expired {c.BeaconKeysExpired:N0}, late records {c.LateRecords:N0}; processes evicted {c.ProcessesEvicted:N0}, forgotten {c.ProcessesForgotten:N0}"));
        errors.WriteLine(string.Create(s, $"not alerts:       inbound {c.Inbound:N0}, internal destination {c.Internal:N0}, below threshold {c.BelowThreshold:N0}"));
        errors.WriteLine(string.Create(s, $"suppressed:       {c.Suppressed:N0} (matched a suppression in the rules)"));
        errors.WriteLine(string.Create(s, $"skipped:          {c.Skipped:N0} (other event ids or providers, outside the time window)"));
        errors.WriteLine(string.Create(s, $"malformed:        {c.Malformed + oversize:N0}"));
        errors.Flush();
    }

    private static double Rate(long records, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? records / elapsed.TotalSeconds : 0;
}
