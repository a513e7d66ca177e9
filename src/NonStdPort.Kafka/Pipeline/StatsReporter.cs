using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>Writes one stats line every interval: records/s, alerts by score, dead letters, suppressed, lag per partition.</summary>
internal sealed class StatsReporter : IDisposable
{
    private readonly KafkaPipeline _pipeline;
    private readonly Action<string> _write;
    private readonly Timer _timer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastRecords;
    private TimeSpan _lastTime;

    public StatsReporter(KafkaPipeline pipeline, TimeSpan interval, Action<string> write)
    {
        _pipeline = pipeline;
        _write = write;
        _timer = new Timer(_ => Report(), null, interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    private void Report()
    {
        var totals = _pipeline.Totals;
        var now = _clock.Elapsed;
        double seconds = Math.Max((now - _lastTime).TotalSeconds, 1e-3);
        double rate = (totals.Records - _lastRecords) / seconds;
        _lastRecords = totals.Records;
        _lastTime = now;
        var line = new StringBuilder(Format(totals, rate));
        line.Append(", lag");
        var lag = _pipeline.Lag;
        if (lag.Count == 0)
        {
            line.Append(" -");
        }

        foreach (var (partition, value) in lag)
        {
            line.Append(CultureInfo.InvariantCulture, $" {partition}={value}");
        }

        if (_pipeline.IsPaused)
        {
            line.Append(", paused (output full)");
        }

        _write(line.ToString());
    }

    /// <summary>The counters part of a stats or summary line.</summary>
    public static string Format(PipelineTotals t, double recordsPerSecond) => string.Create(
        CultureInfo.InvariantCulture,
        $"stats: {recordsPerSecond:F0} records/s, {t.Records} records in {t.Messages} messages, " +
        $"alerts {t.AlertsWritten} (score 3: {t.Score3}, 2: {t.Score2}, 1: {t.Score1}; beacon {t.BeaconAlerts}, rdp_port_change {t.RdpPortChangeAlerts}), delivered {t.AlertsDelivered}, " +
        $"malformed {t.Malformed} (dead-lettered {t.DeadLettersDelivered}, logged {t.DeadLettersLogged}), suppressed {t.Suppressed}");
}
