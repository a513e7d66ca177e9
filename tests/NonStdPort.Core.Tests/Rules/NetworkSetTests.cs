using System.Text;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Rules;

public sealed class NetworkSetTests
{
    private static bool IsInternal(string address)
    {
        Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(address), out IpAddress ip), address);
        return RuleSet.Default.InternalNetworks.Contains(ip);
    }

    [Theory]
    // 0.0.0.0/8
    [InlineData("0.0.0.0", true)]
    [InlineData("0.255.255.255", true)]
    [InlineData("1.0.0.0", false)]
    // 10.0.0.0/8
    [InlineData("9.255.255.255", false)]
    [InlineData("10.0.0.0", true)]
    [InlineData("10.255.255.255", true)]
    [InlineData("11.0.0.0", false)]
    // 100.64.0.0/10 (carrier-grade NAT)
    [InlineData("100.63.255.255", false)]
    [InlineData("100.64.0.0", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("100.128.0.0", false)]
    // 127.0.0.0/8
    [InlineData("126.255.255.255", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.255.255", true)]
    [InlineData("128.0.0.0", false)]
    // 169.254.0.0/16
    [InlineData("169.253.255.255", false)]
    [InlineData("169.254.0.0", true)]
    [InlineData("169.254.255.255", true)]
    [InlineData("169.255.0.0", false)]
    // 172.16.0.0/12: the seed's string BETWEEN misjudged e.g. 172.2.0.1
    [InlineData("172.2.0.1", false)]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.16.0.0", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.0", false)]
    // 192.0.0.0/24 and 192.0.2.0/24
    [InlineData("191.255.255.255", false)]
    [InlineData("192.0.0.0", true)]
    [InlineData("192.0.0.255", true)]
    [InlineData("192.0.1.0", false)]
    [InlineData("192.0.2.0", true)]
    [InlineData("192.0.2.255", true)]
    [InlineData("192.0.3.0", false)]
    // 192.168.0.0/16
    [InlineData("192.167.255.255", false)]
    [InlineData("192.168.0.0", true)]
    [InlineData("192.168.255.255", true)]
    [InlineData("192.169.0.0", false)]
    // 198.18.0.0/15
    [InlineData("198.17.255.255", false)]
    [InlineData("198.18.0.0", true)]
    [InlineData("198.19.255.255", true)]
    [InlineData("198.20.0.0", false)]
    // 198.51.100.0/24 and 203.0.113.0/24
    [InlineData("198.51.99.255", false)]
    [InlineData("198.51.100.0", true)]
    [InlineData("198.51.100.255", true)]
    [InlineData("198.51.101.0", false)]
    [InlineData("203.0.112.255", false)]
    [InlineData("203.0.113.0", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("203.0.114.0", false)]
    // 224.0.0.0/4 and 240.0.0.0/4: everything from 224.0.0.0 up
    [InlineData("223.255.255.255", false)]
    [InlineData("224.0.0.0", true)]
    [InlineData("239.255.255.255", true)]
    [InlineData("240.0.0.0", true)]
    [InlineData("255.255.255.255", true)]
    // Public addresses
    [InlineData("8.8.8.8", false)]
    [InlineData("151.101.0.133", false)]
    public void IPv4_internal_ranges_hold_at_every_edge(string address, bool expected) =>
        Assert.Equal(expected, IsInternal(address));

    [Theory]
    // ::/128 and ::1/128, compressed and written out
    [InlineData("::", true)]
    [InlineData("0:0:0:0:0:0:0:0", true)]
    [InlineData("::1", true)]
    [InlineData("0:0:0:0:0:0:0:1", true)]
    [InlineData("::2", false)]
    // fe80::/10
    [InlineData("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("fe80::", true)]
    [InlineData("fe80:0:0:0:1c2d:3e4f:5a6b:7c8d", true)]
    [InlineData("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("fec0::", false)]
    // fc00::/7
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("fc00::", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("fe00::", false)]
    // ff00::/8
    [InlineData("ff00::", true)]
    [InlineData("ff02:0:0:0:0:0:1:2", true)]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    // 2001:db8::/32
    [InlineData("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("2001:db8::", true)]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db9::", false)]
    // Public IPv6 (a root DNS server)
    [InlineData("2001:500:2f::f", false)]
    // IPv4-mapped IPv6 is judged by its IPv4 address
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:172.32.0.0", false)]
    [InlineData("0:0:0:0:0:ffff:c0a8:101", true)]
    public void IPv6_internal_ranges_hold_at_every_edge(string address, bool expected) =>
        Assert.Equal(expected, IsInternal(address));

    [Fact]
    public void The_default_internal_networks_are_exactly_the_specified_list() =>
        Assert.Equal(
            ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
             "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
             "240.0.0.0/4", "::/128", "::1/128", "fe80::/10", "fc00::/7", "ff00::/8", "2001:db8::/32"],
            RuleSet.Default.InternalNetworks.Networks.ToArray());

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:500::1", false)]
    [InlineData("::/0", "2001:500::1", true)]
    [InlineData("::/0", "8.8.8.8", true)]
    [InlineData("8.8.8.8", "8.8.8.8", true)]
    [InlineData("8.8.8.8", "8.8.8.9", false)]
    [InlineData("2001:4860::/32", "2001:4860:4860::8888", true)]
    [InlineData("::ffff:0:0/96", "1.2.3.4", true)]
    public void A_network_contains_exactly_its_addresses(string network, string address, bool expected)
    {
        NetworkSet set = NetworkSet.Parse([network]);
        Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(address), out IpAddress ip));

        Assert.Equal(expected, set.Contains(ip));
    }

    [Fact]
    public void Overlapping_and_adjacent_networks_merge_without_losing_addresses()
    {
        NetworkSet set = NetworkSet.Parse(["10.0.0.0/9", "10.128.0.0/9", "10.1.0.0/16", "192.168.1.0/24"]);

        foreach (string inside in new[] { "10.0.0.0", "10.127.255.255", "10.128.0.0", "10.255.255.255", "192.168.1.7" })
        {
            Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(inside), out IpAddress ip));
            Assert.True(set.Contains(ip), inside);
        }

        foreach (string outside in new[] { "9.255.255.255", "11.0.0.0", "192.168.0.255", "192.168.2.0" })
        {
            Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(outside), out IpAddress ip));
            Assert.False(set.Contains(ip), outside);
        }
    }

    [Theory]
    [InlineData("10.0.0.1/8", "did you mean 10.0.0.0/8")]
    [InlineData("10.0.0.0/33", "from 0 to 32")]
    [InlineData("fe80::/129", "from 0 to 128")]
    [InlineData("10.0.0.0/", "prefix length")]
    [InlineData("10.0.0.0/x", "prefix length")]
    [InlineData("300.0.0.0/8", "not an IPv4 or IPv6 address")]
    [InlineData("fe80::1%eth0/64", "not an IPv4 or IPv6 address")]
    public void A_bad_network_is_rejected_with_a_reason(string network, string reason)
    {
        var e = Assert.Throws<FormatException>(() => NetworkSet.Parse([network]));
        Assert.Contains(reason, e.Message);
    }
}
