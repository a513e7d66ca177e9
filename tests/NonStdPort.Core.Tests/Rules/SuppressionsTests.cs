using System.Text;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Rules;

public sealed class SuppressionsTests
{
    private static readonly Suppressions Configured = new RuleSetBuilder
    {
        SuppressedProcesses = ["backup-agent.exe", "updater*"],
        SuppressedNetworks = ["52.84.0.0/15", "2606:4700::/32"],
        SuppressedCombinations =
        [
            new SuppressionCombination("powershell.exe", "20.190.128.0/18", 4443, "management script"),
            new SuppressionCombination("curl", "185.199.108.0/22", null),
        ],
    }.Build().Suppressions;

    private static bool Suppressed(string image, string destination, int port)
    {
        Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(destination), out IpAddress ip));
        return Configured.Matches(ProcessFileName.FromImage(Encoding.UTF8.GetBytes(image), new byte[ProcessFileName.MaxBytes], new char[ProcessFileName.MaxBytes]), ip, port);
    }

    [Theory]
    [InlineData("C:\\Program Files\\Backup\\backup-agent.exe", "8.8.8.8", 4444, true)]
    [InlineData("C:\\Program Files\\Backup\\BACKUP-AGENT.EXE", "8.8.8.8", 4444, true)]
    [InlineData("C:\\Program Files\\App\\updater-x64.exe", "8.8.8.8", 4444, true)]
    [InlineData("C:\\Program Files\\Backup\\not-backup-agent.exe", "8.8.8.8", 4444, false)]
    public void By_process_file_name(string image, string destination, int port, bool expected) =>
        Assert.Equal(expected, Suppressed(image, destination, port));

    [Theory]
    [InlineData("C:\\x\\cmd.exe", "52.84.0.0", 4444, true)]
    [InlineData("C:\\x\\cmd.exe", "52.85.255.255", 4444, true)]
    [InlineData("C:\\x\\cmd.exe", "52.86.0.0", 4444, false)]
    [InlineData("C:\\x\\cmd.exe", "::ffff:52.84.1.1", 4444, true)]
    [InlineData("C:\\x\\cmd.exe", "2606:4700::6810:84e5", 8443, true)]
    [InlineData("C:\\x\\cmd.exe", "2606:4701::1", 8443, false)]
    public void By_destination_network(string image, string destination, int port, bool expected) =>
        Assert.Equal(expected, Suppressed(image, destination, port));

    [Theory]
    [InlineData("C:\\x\\powershell.exe", "20.190.130.1", 4443, true)]
    // Another port, another process or another network does not match the combination.
    [InlineData("C:\\x\\powershell.exe", "20.190.130.1", 4444, false)]
    [InlineData("C:\\x\\pwsh.exe", "20.190.130.1", 4443, false)]
    [InlineData("C:\\x\\powershell.exe", "20.191.0.1", 4443, false)]
    // Without a port, any port matches.
    [InlineData("/usr/bin/curl", "185.199.109.153", 8088, true)]
    [InlineData("/usr/bin/curl", "185.199.109.153", 31337, true)]
    [InlineData("/usr/bin/wget", "185.199.109.153", 8088, false)]
    public void By_process_network_and_optional_port(string image, string destination, int port, bool expected) =>
        Assert.Equal(expected, Suppressed(image, destination, port));

    [Fact]
    public void The_default_rule_set_suppresses_nothing() => Assert.True(RuleSet.Default.Suppressions.IsEmpty);
}
