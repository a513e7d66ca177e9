using NonStdPort.Core.Tests.Support;
using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>
/// Beacon maths. A scenario is a list of connections "key:seconds" in arrival order (keys are
/// destination ports of one host and image); the expectation is the arrival positions (0-based)
/// of the connections that start a beacon.
/// </summary>
public sealed class BeaconTrackerTests
{
    private static readonly long Origin = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc).Ticks;

    internal static List<(int Index, BeaconObservation Observation)> Run(BeaconTracker tracker, string scenario)
    {
        var started = new List<(int, BeaconObservation)>();
        string[] connections = scenario.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < connections.Length; i++)
        {
            string[] parts = connections[i].Split(':');
            ushort port = (ushort)(9000 + parts[0][0] - 'a');
            long time = Origin + (long)(double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond);
            BeaconObservation observation = tracker.Observe("WS01"u8, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"u8, "93.184.216.34"u8, port, time);
            if (observation.Verdict == BeaconVerdict.Started)
            {
                started.Add((i, observation));
            }
        }

        return started;
    }

    private static string Periodic(string key, double start, double interval, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => $"{key}:{(start + i * interval).ToString(System.Globalization.CultureInfo.InvariantCulture)}"));

    private static int[] StartedAt(string scenario, BeaconOptions? settings = null) =>
        Run(new BeaconTracker(settings ?? new BeaconOptions()), scenario).Select(s => s.Index).ToArray();

    public static TheoryData<string, string, int[]> Periodicity => new()
    {
        { "exact 60 s, six connections: the sixth starts the beacon", Periodic("a", 0, 60, 6), [5] },
        { "exact 60 s, ten connections: reported once", Periodic("a", 0, 60, 10), [5] },
        { "exact 60 s, five connections: too few", Periodic("a", 0, 60, 5), [] },
        { "jitter within bound (intervals 60 55 65 58 62, jitter 0.033)", "a:0 a:60 a:115 a:180 a:238 a:300", [5] },
        { "jitter exactly at bound (intervals 48 48 60 72 72, jitter 0.2)", "a:0 a:48 a:96 a:156 a:228 a:300", [5] },
        { "jitter just beyond bound (intervals 47 47 60 73 73, jitter 0.217)", "a:0 a:47 a:94 a:154 a:227 a:300", [] },
        { "jitter far beyond bound (intervals 30 90 60 20 100)", "a:0 a:30 a:120 a:180 a:200 a:300", [] },
        { "irregular start, then regular: judged on the last six", "a:0 a:7 a:30 a:500 a:560 a:620 a:680 a:740", [6] },
        { "one outlier among the intervals does not hide a beacon (median absolute deviation)", "a:0 a:60 a:120 a:600 a:660 a:720", [5] },
        { "two keys interleaved beacon independently", "a:0 b:5 a:60 b:66 a:120 b:127 a:180 b:188 a:240 b:249 a:300 b:310", [10, 11] },
    };

    [Theory]
    [MemberData(nameof(Periodicity))]
    public void A_key_beacons_when_its_last_N_intervals_are_regular(string behaviour, string scenario, int[] expected)
    {
        Assert.NotEmpty(behaviour);
        Assert.Equal(expected, StartedAt(scenario));
    }

    public static TheoryData<string, double, bool> IntervalBounds => new()
    {
        { "below min_interval (5 s)", 5, false },
        { "just below min_interval (9.9 s)", 9.9, false },
        { "at min_interval (10 s)", 10, true },
        { "between the bounds (300 s)", 300, true },
        { "at max_interval (3600 s)", 3600, true },
        { "just above max_interval (3601 s)", 3601, false },
        { "above max_interval (7200 s)", 7200, false },
        { "zero interval (duplicates)", 0, false },
    };

    [Theory]
    [MemberData(nameof(IntervalBounds))]
    public void The_median_interval_must_lie_between_min_and_max_interval(string behaviour, double interval, bool beacons)
    {
        Assert.NotEmpty(behaviour);
        Assert.Equal(beacons ? [5] : Array.Empty<int>(), StartedAt(Periodic("a", 0, interval, 6)));
    }

    public static TheoryData<string, string, int[], long> Lateness => new()
    {
        { "one record 60 s out of order is used in time order", "a:0 a:60 a:180 a:120 a:240 a:300", [5], 0 },
        { "out of order by exactly max_lateness (120 s) is used", "a:0 a:60 a:180 a:240 a:120 a:300", [5], 0 },
        { "more than max_lateness behind its key's newest connection: counted, not used", "a:0 a:60 a:180 a:241 a:120 a:300", [], 1 },
        { "each late record is counted", "a:0 a:300 a:100 a:150 a:170", [], 3 },
        { "a key far ahead (another host's clock) does not make other keys' records late", "a:0 a:60 a:120 a:180 a:240 b:1000 a:300", [6], 0 },
        { "an out-of-order record older than the whole window falls out of it", "a:0 a:10 a:20 a:30 a:40 a:50 a:60 a:70 a:5", [5], 0 },
    };

    [Theory]
    [MemberData(nameof(Lateness))]
    public void Records_out_of_order_within_max_lateness_of_their_key_are_used_and_later_ones_counted(string behaviour, string scenario, int[] expected, long late)
    {
        Assert.NotEmpty(behaviour);
        var tracker = new BeaconTracker(new BeaconOptions());
        Assert.Equal(expected, Run(tracker, scenario).Select(s => s.Index).ToArray());
        Assert.Equal(late, tracker.Late);
    }

    public static TheoryData<string, string, int[]> Rearm => new()
    {
        { "quiet longer than 3 x median re-arms; six more connections report again", Periodic("a", 0, 60, 6) + " " + Periodic("a", 481, 60, 6), [5, 11] },
        { "quiet of exactly 3 x median does not re-arm", Periodic("a", 0, 60, 6) + " " + Periodic("a", 480, 60, 6), [5] },
        { "after re-arming, too few new connections do not report", Periodic("a", 0, 60, 6) + " " + Periodic("a", 600, 60, 5), [5] },
        { "a beaconing key is not reported again while it keeps beaconing", Periodic("a", 0, 60, 30), [5] },
    };

    [Theory]
    [MemberData(nameof(Rearm))]
    public void A_key_is_reported_again_only_after_quiet_longer_than_three_medians(string behaviour, string scenario, int[] expected)
    {
        Assert.NotEmpty(behaviour);
        Assert.Equal(expected, StartedAt(scenario));
    }

    public static TheoryData<string, int, string, int[], long> Eviction => new()
    {
        { "room for every key: no eviction", 3, Periodic("a", 0, 60, 5) + " b:250 c:260 a:300", [7], 0 },
        { "at max_keys the least recently used key is evicted and starts over", 2, Periodic("a", 0, 60, 5) + " b:250 c:260 a:300", [], 2 },
        { "touching a key keeps it: the least recently used one goes", 2, "a:0 b:1 a:60 c:61 a:120 a:180 a:240 a:300", [7], 1 },
    };

    [Theory]
    [MemberData(nameof(Eviction))]
    public void State_is_bounded_by_max_keys_with_least_recently_used_eviction(string behaviour, int maxKeys, string scenario, int[] expected, long evicted)
    {
        Assert.NotEmpty(behaviour);
        var tracker = new BeaconTracker(new BeaconOptions { MaxKeys = maxKeys });
        Assert.Equal(expected, Run(tracker, scenario).Select(s => s.Index).ToArray());
        Assert.Equal(evicted, tracker.Evicted);
        Assert.True(tracker.Keys <= maxKeys);
    }

    [Fact]
    public void A_key_silent_for_max_interval_times_N_expires()
    {
        var settings = new BeaconOptions { Count = 3, MinInterval = TimeSpan.FromSeconds(10), MaxInterval = TimeSpan.FromSeconds(60) };
        var tracker = new BeaconTracker(settings);

        // a and b are tracked; b keeps the clock moving; a falls silent for more than 60 s x 3.
        Assert.Empty(Run(tracker, "a:0 a:30 b:100 b:110 b:210"));
        Assert.Equal(0, tracker.Expired);
        Assert.Empty(Run(tracker, "b:211"));
        Assert.Equal(1, tracker.Expired);
        Assert.Equal(1, tracker.Keys);

        // a comes back as a fresh key.
        Assert.Empty(Run(tracker, "a:230"));
        Assert.Equal(2, tracker.Keys);
    }

    [Fact]
    public void The_report_carries_count_median_jitter_first_and_last_seen()
    {
        var tracker = new BeaconTracker(new BeaconOptions());
        var started = Run(tracker, "a:0 a:7 a:30 a:500 a:560 a:619 a:680 a:741");
        (int index, BeaconObservation report) = Assert.Single(started);
        Assert.Equal(6, index);
        Assert.Equal(7, report.Count);
        Assert.Equal(TimeSpan.FromSeconds(60), report.MedianInterval);
        Assert.Equal(1.0 / 60, report.Jitter, 1e-12);
        Assert.Equal(Origin, report.FirstSeen);
        Assert.Equal(Origin + 680 * TimeSpan.TicksPerSecond, report.LastSeen);
    }

    [Theory]
    [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"c:\windows\system32\windowspowershell\v1.0\POWERSHELL.EXE", true)]
    [InlineData(@"C:\Users\Åsa\tool.exe", @"C:\USERS\åSA\TOOL.EXE", true)]
    [InlineData(@"C:\Windows\System32\cmd.exe", @"C:\Windows\SysWOW64\cmd.exe", false)]
    public void The_image_path_is_compared_case_insensitively(string first, string second, bool sameKey)
    {
        var tracker = new BeaconTracker(new BeaconOptions());
        int started = 0;
        for (int i = 0; i < 6; i++)
        {
            string image = i % 2 == 0 ? first : second;
            var observation = tracker.Observe("WS01"u8, Encoding.UTF8.GetBytes(image), "93.184.216.34"u8, 9001, Origin + i * 60 * TimeSpan.TicksPerSecond);
            started += observation.Verdict == BeaconVerdict.Started ? 1 : 0;
        }

        Assert.Equal(sameKey ? 1 : 2, tracker.Keys);
        Assert.Equal(sameKey ? 1 : 0, started);
    }

    [Theory]
    [InlineData("WS01", "WS02", "93.184.216.34", "93.184.216.34", 9001, 9001)]
    [InlineData("WS01", "WS01", "93.184.216.34", "93.184.216.35", 9001, 9001)]
    [InlineData("WS01", "WS01", "93.184.216.34", "93.184.216.34", 9001, 9002)]
    public void Host_destination_address_and_port_each_separate_keys(string host1, string host2, string ip1, string ip2, int port1, int port2)
    {
        var tracker = new BeaconTracker(new BeaconOptions());
        tracker.Observe(Encoding.UTF8.GetBytes(host1), "a.exe"u8, Encoding.UTF8.GetBytes(ip1), (ushort)port1, Origin);
        tracker.Observe(Encoding.UTF8.GetBytes(host2), "a.exe"u8, Encoding.UTF8.GetBytes(ip2), (ushort)port2, Origin + 1);
        Assert.Equal(2, tracker.Keys);
    }

    [Theory]
    [InlineData(new long[] { 0, 60, 120, 180, 240, 300 }, 60, 0.0)]
    [InlineData(new long[] { 0, 10, 30, 60 }, 20, 0.5)]
    [InlineData(new long[] { 0, 10, 20, 40, 60, 90 }, 20, 0.5)]
    [InlineData(new long[] { 0, 0, 0 }, 0, double.PositiveInfinity)]
    public void Median_and_jitter_are_computed_on_the_intervals(long[] seconds, long medianSeconds, double jitter)
    {
        var (median, actualJitter) = BeaconTracker.IntervalStatistics(seconds.Select(s => s * TimeSpan.TicksPerSecond).ToArray(), new long[seconds.Length]);
        Assert.Equal(medianSeconds * TimeSpan.TicksPerSecond, median);
        Assert.Equal(jitter, actualJitter, 1e-12);
    }

    [Fact]
    public void Observing_known_keys_allocates_nothing()
    {
        var tracker = new BeaconTracker(new BeaconOptions());
        byte[][] hosts = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"host-{i}.corp.example")).ToArray();
        ReadOnlySpan<byte> image = @"C:\Windows\System32\WindowsPowerShell\v1.0\POWERSHELL.EXE"u8;
        long time = Origin;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < hosts.Length; i++)
            {
                tracker.Observe(hosts[i], image, "93.184.216.34"u8, 9001, time += TimeSpan.TicksPerMillisecond * 60);
            }
        }

        AllocationAssert.NoneInSomeRound(_ =>
        {
            for (int round = 0; round < 17; round++)
            {
                for (int i = 0; i < hosts.Length; i++)
                {
                    tracker.Observe(hosts[i], @"C:\Windows\System32\WindowsPowerShell\v1.0\POWERSHELL.EXE"u8, "93.184.216.34"u8, 9001, time += TimeSpan.TicksPerMillisecond * 60);
                }
            }
        });
        Assert.Equal(1000, tracker.Keys);
        Assert.Equal(1000, tracker.Started);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1001)]
    public void Settings_out_of_range_are_refused(int count) =>
        Assert.Throws<ArgumentException>(() => new BeaconTracker(new BeaconOptions { Count = count }));

    [Fact]
    public void A_large_N_is_supported()
    {
        var tracker = new BeaconTracker(new BeaconOptions { Count = 1000 });
        Assert.Equal([999], Run(tracker, Periodic("a", 0, 15, 1000)).Select(s => s.Index).ToArray());
    }
}
