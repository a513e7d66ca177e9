using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using Xunit.Abstractions;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>Memory measurements read the process-wide heap size, so nothing may run beside them.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>Measures what one beacon key and one lineage entry cost in managed memory, at realistic field sizes, and that the bounds hold.</summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class StateMemoryTests(ITestOutputHelper output)
{
    private const int Keys = 200_000;
    private static readonly long T0 = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void A_beacon_key_costs_a_few_hundred_bytes()
    {
        byte[] image = Encoding.UTF8.GetBytes(@"C:\Users\alice\AppData\Local\Temp\updater\svc-host-helper.exe");
        byte[] host = Encoding.UTF8.GetBytes("WS00000.corp.example");
        byte[] address = Encoding.UTF8.GetBytes("203.000.113.000");
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var tracker = new BeaconTracker(new BeaconOptions { MaxKeys = Keys });
        for (int i = 0; i < Keys; i++)
        {
            (i % 100_000).TryFormat(host.AsSpan(2, 5), out _, "D5");
            (i / 100_000).TryFormat(address.AsSpan(12, 3), out _, "D3");
            tracker.Observe(host, image, address, 9001, T0 + i * TimeSpan.TicksPerMillisecond);
        }

        long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(tracker);
        double perKey = (double)bytes / Keys;
        output.WriteLine($"beacon: {Keys} keys (N = 6, host 20 B, image 61 B, address 15 B) use {bytes:N0} bytes: {perKey:F0} bytes per key");
        Assert.Equal(Keys, tracker.Keys);
        Assert.InRange(perKey, 100, 400);
    }

    [Fact]
    public void A_lineage_entry_costs_its_text_plus_a_small_overhead()
    {
        byte[] guid = Encoding.UTF8.GetBytes("{8d1c5f3a-4d21-673d-7c01-000000000000}");
        byte[] parent = Encoding.UTF8.GetBytes(@"C:\Windows\explorer.exe");
        byte[] command = Encoding.UTF8.GetBytes(@"""C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"" -NoProfile -ExecutionPolicy Bypass -File C:\Users\alice\Desktop\report.ps1");
        byte[] parentCommand = Encoding.UTF8.GetBytes(@"C:\Windows\Explorer.EXE");
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var lineage = new ProcessLineage(new LineageOptions { MaxProcesses = Keys });
        for (int i = 0; i < Keys; i++)
        {
            i.TryFormat(guid.AsSpan(guid.Length - 13, 12), out _, "D12");
            lineage.Remember("WS01.corp.example"u8, guid, parent, command, parentCommand, T0 + i * TimeSpan.TicksPerMillisecond);
        }

        long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(lineage);
        double perEntry = (double)bytes / Keys;
        int text = 17 + guid.Length + parent.Length + command.Length + parentCommand.Length;
        output.WriteLine($"lineage: {Keys} processes with {text} bytes of text each use {bytes:N0} bytes: {perEntry:F0} bytes per entry ({perEntry - text:F0} over the text)");
        Assert.Equal(Keys, lineage.Processes);
        Assert.InRange(perEntry - text, 0, 200);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_million_distinct_processes()
    {
        const int maxProcesses = 10_000;
        var lineage = new ProcessLineage(new LineageOptions { MaxProcesses = maxProcesses });
        byte[] guid = Encoding.UTF8.GetBytes("{5770385F-C22A-43E0-BF4C-000000000000}");
        byte[] parent = Encoding.UTF8.GetBytes(@"C:\Windows\System32\cmd.exe");
        byte[] command = Encoding.UTF8.GetBytes(@"powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\Users\Public\run.ps1");
        byte[] parentCommand = Encoding.UTF8.GetBytes(@"C:\Windows\system32\cmd.exe /c run.bat");

        long baseline = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            i.TryFormat(guid.AsSpan(guid.Length - 11), out _, "D10");
            lineage.Remember("WS01"u8, guid, parent, command, parentCommand, T0 + i * TimeSpan.TicksPerMillisecond);
            if (i == maxProcesses - 1)
            {
                baseline = GC.GetTotalMemory(forceFullCollection: true);
            }
        }

        long grown = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine($"lineage: {lineage.Processes} processes, {lineage.Bytes} bytes of state, growth after the bound {grown} bytes");
        Assert.Equal(maxProcesses, lineage.Processes);
        Assert.Equal(1_000_000 - maxProcesses, lineage.Evicted);
        Assert.InRange(grown, long.MinValue, 1024 * 1024); // nothing grows once the bound is reached
    }
}
