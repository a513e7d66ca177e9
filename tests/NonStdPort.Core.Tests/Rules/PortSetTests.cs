using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Rules;

public sealed class PortSetTests
{
    [Fact]
    public void The_default_C2_ports_are_exactly_the_specified_list() =>
        Assert.Equal([444, 587, 1224, 1337, 2083, 2087, 4443, 4444, 4445, 6666, 6667, 6668, 7777, 8008, 8088, 8888, 9001, 9090, 31337], RuleSet.Default.C2Ports.Ports.ToArray());

    [Fact]
    public void The_default_standard_ports_are_exactly_the_specified_list() =>
        Assert.Equal([80, 443, 8080, 8443, 53, 25, 3000, 5000, 9000], RuleSet.Default.StandardPorts.Ports.ToArray());

    [Theory]
    [InlineData(444)] [InlineData(587)] [InlineData(1224)] [InlineData(1337)] [InlineData(2083)] [InlineData(2087)]
    [InlineData(4443)] [InlineData(4444)] [InlineData(4445)] [InlineData(6666)] [InlineData(6667)] [InlineData(6668)]
    [InlineData(7777)] [InlineData(8008)] [InlineData(8088)] [InlineData(8888)] [InlineData(9001)] [InlineData(9090)]
    [InlineData(31337)]
    public void Every_default_C2_port_is_a_C2_port(int port) => Assert.True(RuleSet.Default.C2Ports.Contains(port));

    [Theory]
    [InlineData(443)] [InlineData(445)] [InlineData(4446)] [InlineData(8080)] [InlineData(31338)] [InlineData(0)] [InlineData(65535)]
    public void Neighbours_of_C2_ports_are_not_C2_ports(int port) => Assert.False(RuleSet.Default.C2Ports.Contains(port));

    [Theory]
    [InlineData(80)] [InlineData(443)] [InlineData(8080)] [InlineData(8443)] [InlineData(53)] [InlineData(25)]
    [InlineData(3000)] [InlineData(5000)] [InlineData(9000)]
    public void Every_default_standard_port_is_standard(int port) => Assert.True(RuleSet.Default.StandardPorts.Contains(port));

    [Theory]
    [InlineData(0, true)]
    [InlineData(63, true)]
    [InlineData(64, true)]
    [InlineData(65535, true)]
    [InlineData(1, false)]
    [InlineData(65534, false)]
    [InlineData(-1, false)]
    [InlineData(65536, false)]
    [InlineData(int.MinValue, false)]
    public void The_bitmap_holds_every_port_edge(int port, bool expected)
    {
        var set = new PortSet([0, 63, 64, 65535]);

        Assert.Equal(expected, set.Contains(port));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_outside_0_to_65535_cannot_be_added(int port) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortSet([port]));
}
