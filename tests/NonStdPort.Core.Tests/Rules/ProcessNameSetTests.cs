using System.Text;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Rules;

public sealed class ProcessNameSetTests
{
    private static bool IsHighRisk(string image) => RuleSet.Default.HighRiskProcesses.ContainsImage(Encoding.UTF8.GetBytes(image));

    [Fact]
    public void The_default_high_risk_processes_are_exactly_the_specified_list() =>
        Assert.Equal(
            ["cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe",
             "certutil.exe", "bitsadmin.exe", "msiexec.exe", "sh", "bash", "dash", "zsh", "ksh", "python", "python2", "python3*",
             "perl", "ruby", "php", "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet"],
            RuleSet.Default.HighRiskProcesses.Names.ToArray());

    [Theory]
    [InlineData("C:\\Windows\\System32\\cmd.exe")]
    [InlineData("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe")]
    [InlineData("C:\\Program Files\\PowerShell\\7\\pwsh.exe")]
    [InlineData("C:\\Windows\\System32\\wscript.exe")]
    [InlineData("C:\\Windows\\System32\\cscript.exe")]
    [InlineData("C:\\Windows\\System32\\mshta.exe")]
    [InlineData("C:\\Windows\\System32\\rundll32.exe")]
    [InlineData("C:\\Windows\\SysWOW64\\regsvr32.exe")]
    [InlineData("C:\\Windows\\System32\\certutil.exe")]
    [InlineData("C:\\Windows\\System32\\bitsadmin.exe")]
    [InlineData("C:\\Windows\\System32\\msiexec.exe")]
    [InlineData("/bin/sh")]
    [InlineData("/bin/bash")]
    [InlineData("/usr/bin/dash")]
    [InlineData("/usr/bin/zsh")]
    [InlineData("/bin/ksh")]
    [InlineData("/usr/bin/python")]
    [InlineData("/usr/bin/python2")]
    [InlineData("/usr/bin/python3")]
    [InlineData("/usr/bin/python3.11")]
    [InlineData("/usr/bin/perl")]
    [InlineData("/usr/bin/ruby")]
    [InlineData("/usr/bin/php")]
    [InlineData("/usr/bin/curl")]
    [InlineData("/usr/bin/wget")]
    [InlineData("/bin/nc")]
    [InlineData("/usr/bin/ncat")]
    [InlineData("/bin/netcat")]
    [InlineData("/usr/bin/socat")]
    [InlineData("/usr/bin/telnet")]
    [InlineData("bash")]
    [InlineData("C:\\x\\CMD.EXE")]
    [InlineData("c:/tools/PowerShell.EXE")]
    [InlineData("C:\\Python311\\Python3.exe")]
    public void Every_default_high_risk_process_matches_by_file_name_in_any_case(string image) => Assert.True(IsHighRisk(image));

    [Theory]
    [InlineData("C:\\Windows\\notcmd.exe")]
    [InlineData("C:\\Windows\\cmd.exe.bak")]
    [InlineData("C:\\cmd.exe\\other.exe")]
    [InlineData("C:\\Windows\\cmd")]
    [InlineData("/usr/bin/bashful")]
    [InlineData("/usr/bin/python2.7")]
    [InlineData("/usr/bin/ipython3")]
    [InlineData("/opt/nc/server")]
    [InlineData("C:\\Windows\\System32\\svchost.exe")]
    [InlineData("System")]
    [InlineData("<unknown process>")]
    [InlineData("C:\\Windows\\")]
    [InlineData("")]
    public void Suffix_and_path_traps_do_not_match(string image) => Assert.False(IsHighRisk(image));

    [Theory]
    [InlineData("a*b")]
    [InlineData("C:\\Windows\\cmd.exe")]
    [InlineData("bin/bash")]
    [InlineData("")]
    public void An_entry_must_be_a_file_name_with_at_most_a_trailing_star(string entry) =>
        Assert.Throws<FormatException>(() => new ProcessNameSet([entry]));

    [Fact]
    public void A_lone_star_matches_every_file_name() =>
        Assert.True(new ProcessNameSet(["*"]).ContainsImage("C:\\anything.exe"u8));

    [Fact]
    public void Non_ASCII_names_match_case_insensitively() =>
        Assert.True(new ProcessNameSet(["ÜBER.exe"]).ContainsImage(Encoding.UTF8.GetBytes("C:\\Tools\\über.EXE")));

    [Theory]
    [InlineData("C:\\x\\CMD.EXE", true)]
    [InlineData("C:\\x\\notcmd.exe", false)]
    [InlineData("/usr/bin/python3.11", true)]
    [InlineData("C:\\Tools\\ÜBER.exe", true)]
    [InlineData("C:\\Tools\\über.exe.bak", false)]
    public void ASCII_and_non_ASCII_entries_in_one_set_match_alike(string image, bool expected) =>
        Assert.Equal(expected, new ProcessNameSet(["cmd.exe", "python3*", "über.exe"]).ContainsImage(Encoding.UTF8.GetBytes(image)));

    [Fact]
    public void A_long_non_ASCII_name_cut_for_matching_never_matches_an_entry_exactly()
    {
        string entry = new('日', 200);
        var set = new ProcessNameSet([entry]);

        Assert.True(set.ContainsImage(Encoding.UTF8.GetBytes("C:\\" + entry)));
        Assert.False(set.ContainsImage(Encoding.UTF8.GetBytes("C:\\" + entry + "日")));
        Assert.True(new ProcessNameSet([new string('日', 199) + "*"]).ContainsImage(Encoding.UTF8.GetBytes("C:\\" + new string('日', 400))));
    }

    [Fact]
    public void A_very_long_file_name_matches_only_as_a_prefix()
    {
        string longName = new('a', 5000);
        var set = new ProcessNameSet(["aaa*", "b.exe"]);

        Assert.True(set.ContainsImage(Encoding.UTF8.GetBytes("C:\\" + longName)));
        Assert.False(new ProcessNameSet(["b.exe"]).ContainsImage(Encoding.UTF8.GetBytes("C:\\" + longName)));
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        byte[][] images = [.. new[] { "C:\\x\\notcmd.exe", "/usr/bin/python3.11", "C:\\Windows\\System32\\svchost.exe" }.Select(Encoding.UTF8.GetBytes)];
        ProcessNameSet set = RuleSet.Default.HighRiskProcesses;
        AllocationAssert.None(() =>
        {
            foreach (byte[] image in images)
            {
                set.ContainsImage(image);
            }
        });
    }
}
