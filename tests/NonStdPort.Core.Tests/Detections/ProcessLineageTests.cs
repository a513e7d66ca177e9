using NonStdPort.Core.Tests.Support;
using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Detections;

public sealed class ProcessLineageTests
{
    private static readonly long T0 = new DateTime(2026, 11, 28, 6, 0, 0, DateTimeKind.Utc).Ticks;
    private static long At(double seconds) => T0 + (long)(seconds * TimeSpan.TicksPerSecond);

    private const string Guid1 = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";

    private static void Create(ProcessLineage lineage, string guid, string parent, double seconds, string host = "WS01") =>
        lineage.Remember(Encoding.UTF8.GetBytes(host), Encoding.UTF8.GetBytes(guid), Encoding.UTF8.GetBytes(parent),
            Encoding.UTF8.GetBytes($"\"{parent}\" -child"), Encoding.UTF8.GetBytes($"\"{parent}\""), At(seconds));

    private static string? ParentOf(ProcessLineage lineage, string guid, double seconds, string host = "WS01") =>
        lineage.TryGet(Encoding.UTF8.GetBytes(host), Encoding.UTF8.GetBytes(guid), At(seconds), out ProcessContext context)
            ? Encoding.UTF8.GetString(context.ParentImage)
            : null;

    [Fact]
    public void Event_1_before_a_network_record_fills_parent_and_command_lines()
    {
        var lineage = new ProcessLineage(new LineageOptions());
        lineage.Remember("WS01"u8, Encoding.UTF8.GetBytes(Guid1), @"C:\Windows\explorer.exe"u8,
            "powershell.exe -nop -w hidden"u8, @"C:\Windows\Explorer.EXE"u8, At(0));

        Assert.True(lineage.TryGet("WS01"u8, Encoding.UTF8.GetBytes(Guid1), At(1), out ProcessContext context));
        Assert.Equal(@"C:\Windows\explorer.exe", Encoding.UTF8.GetString(context.ParentImage));
        Assert.Equal("powershell.exe -nop -w hidden", Encoding.UTF8.GetString(context.CommandLine));
        Assert.Equal(@"C:\Windows\Explorer.EXE", Encoding.UTF8.GetString(context.ParentCommandLine));
    }

    [Fact]
    public void A_network_record_before_its_event_1_stays_without_parent()
    {
        var lineage = new ProcessLineage(new LineageOptions());
        Assert.Null(ParentOf(lineage, Guid1, 0));
        Create(lineage, Guid1, @"C:\Windows\explorer.exe", 1);
        Assert.Equal(@"C:\Windows\explorer.exe", ParentOf(lineage, Guid1, 2));
    }

    [Theory]
    [InlineData("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", "WS01", true)]
    [InlineData("5770385F-C22A-43E0-BF4C-06F5698FFBD9", "WS01", true)]
    [InlineData("{5770385f-c22a-43e0-bf4c-06f5698ffbd9}", "ws01", true)]
    [InlineData("{5770385F-C22A-43E0-BF4C-06F5698FFBDA}", "WS01", false)]
    [InlineData("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", "WS02", false)]
    public void Processes_are_keyed_by_host_and_ProcessGuid_in_any_envelope_spelling(string guid, string host, bool known)
    {
        var lineage = new ProcessLineage(new LineageOptions());
        Create(lineage, Guid1, "parent.exe", 0);
        Assert.Equal(known, ParentOf(lineage, guid, 1, host) is not null);
    }

    public static TheoryData<string, double, bool> AfterTermination => new()
    {
        { "just after event 5", 1, true },
        { "at the end of the grace period", 300, true },
        { "after the grace period", 300.001, false },
        { "long after", 3600, false },
    };

    [Theory]
    [MemberData(nameof(AfterTermination))]
    public void Event_5_forgets_the_process_after_the_grace_period(string behaviour, double secondsAfterExit, bool known)
    {
        Assert.NotEmpty(behaviour);
        var lineage = new ProcessLineage(new LineageOptions { TerminatedGrace = TimeSpan.FromMinutes(5) });
        Create(lineage, Guid1, "parent.exe", 0);
        lineage.Terminate("WS01"u8, Encoding.UTF8.GetBytes(Guid1), At(10));
        Assert.Equal(known, ParentOf(lineage, Guid1, 10 + secondsAfterExit) is not null);
    }

    [Theory]
    [InlineData(400, 2)]
    [InlineData(610, 2)]
    [InlineData(611, 1)]
    public void Memory_of_an_exited_process_is_released_two_grace_periods_after_the_exit_without_a_lookup(double otherRecordAt, int processesLeft)
    {
        var lineage = new ProcessLineage(new LineageOptions { TerminatedGrace = TimeSpan.FromMinutes(5) });
        Create(lineage, Guid1, "parent.exe", 0);
        lineage.Terminate("WS01"u8, Encoding.UTF8.GetBytes(Guid1), At(10));
        Create(lineage, "{00000000-0000-0000-0000-000000000002}", "other.exe", otherRecordAt, host: "WS02");
        Assert.Equal(processesLeft, lineage.Processes);
        Assert.Equal(2 - processesLeft, lineage.Forgotten);
    }

    [Fact]
    public void A_host_whose_clock_lags_the_partition_still_gets_its_whole_grace_period()
    {
        var lineage = new ProcessLineage(new LineageOptions { TerminatedGrace = TimeSpan.FromMinutes(5) });
        Create(lineage, Guid1, "parent.exe", 0, host: "SLOW");
        lineage.Terminate("SLOW"u8, Encoding.UTF8.GetBytes(Guid1), At(10));
        Create(lineage, "{00000000-0000-0000-0000-000000000002}", "other.exe", 400, host: "FAST"); // four minutes ahead
        Assert.Equal("parent.exe", ParentOf(lineage, Guid1, 60, host: "SLOW"));
        Assert.Null(ParentOf(lineage, Guid1, 311, host: "SLOW"));
    }

    [Fact]
    public void A_ProcessGuid_reused_after_event_5_gets_the_new_parent()
    {
        var lineage = new ProcessLineage(new LineageOptions { TerminatedGrace = TimeSpan.FromMinutes(5) });
        Create(lineage, Guid1, "first-parent.exe", 0);
        lineage.Terminate("WS01"u8, Encoding.UTF8.GetBytes(Guid1), At(10));
        Create(lineage, Guid1, "second-parent-with-a-longer-name.exe", 20);

        Assert.Equal("second-parent-with-a-longer-name.exe", ParentOf(lineage, Guid1, 30));

        // The earlier exit does not forget the new process when its grace period ends.
        Assert.Equal("second-parent-with-a-longer-name.exe", ParentOf(lineage, Guid1, 1000));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    public void A_process_without_a_ProcessGuid_is_not_remembered(string guid)
    {
        var lineage = new ProcessLineage(new LineageOptions());
        Create(lineage, guid, "parent.exe", 0);
        Assert.Equal(0, lineage.Processes);
        Assert.Null(ParentOf(lineage, guid, 1));
    }

    [Fact]
    public void Event_5_for_an_unknown_process_changes_nothing()
    {
        var lineage = new ProcessLineage(new LineageOptions());
        lineage.Terminate("WS01"u8, Encoding.UTF8.GetBytes(Guid1), At(0));
        Assert.Equal(0, lineage.Processes);
    }

    [Fact]
    public void At_max_processes_the_least_recently_used_process_is_evicted()
    {
        var lineage = new ProcessLineage(new LineageOptions { MaxProcesses = 2 });
        Create(lineage, "{A}", "a-parent.exe", 0);
        Create(lineage, "{B}", "b-parent.exe", 1);
        Assert.NotNull(ParentOf(lineage, "{A}", 2)); // A is now more recent than B
        Create(lineage, "{C}", "c-parent.exe", 3);

        Assert.Equal(1, lineage.Evicted);
        Assert.NotNull(ParentOf(lineage, "{A}", 4));
        Assert.Null(ParentOf(lineage, "{B}", 4));
        Assert.NotNull(ParentOf(lineage, "{C}", 4));
    }

    [Fact]
    public void The_byte_budget_evicts_too()
    {
        var lineage = new ProcessLineage(new LineageOptions(), maxBytes: 4096);
        string longCommand = new('x', 1000);
        for (int i = 0; i < 10; i++)
        {
            lineage.Remember("WS01"u8, Encoding.UTF8.GetBytes($"{{{i}}}"), "p.exe"u8, Encoding.UTF8.GetBytes(longCommand), "q"u8, At(i));
        }

        Assert.InRange(lineage.Bytes, 1, 4096);
        Assert.True(lineage.Evicted > 0);
        Assert.NotNull(ParentOf(lineage, "{9}", 11));
    }

    [Fact]
    public void Looking_up_and_refreshing_known_processes_allocates_nothing()
    {
        var lineage = new ProcessLineage(new LineageOptions());
        byte[][] guids = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"{{5770385F-C22A-43E0-BF4C-{i:D12}}}")).ToArray();
        foreach (byte[] guid in guids)
        {
            lineage.Remember("WS01"u8, guid, @"C:\Windows\explorer.exe"u8, "powershell.exe -nop"u8, "explorer.exe"u8, At(0));
        }

        int found = 0;
        AllocationAssert.NoneInSomeRound(share =>
        {
            for (int round = share * 17; round < (share + 1) * 17; round++)
            {
                foreach (byte[] guid in guids)
                {
                    found += lineage.TryGet("WS01"u8, guid, At(round), out _) ? 1 : 0;
                    lineage.Remember("WS01"u8, guid, @"C:\Windows\explorer.exe"u8, "powershell.exe -nop"u8, "explorer.exe"u8, At(round));
                }
            }
        });
        Assert.Equal(51_000, found);
    }
}
