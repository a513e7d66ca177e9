using System.Text;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Rules;

public sealed class IpAddressTests
{
    private static IpAddress Parse(string text)
    {
        Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(text), out IpAddress address), $"'{text}' should parse");
        return address;
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("8.8.8.8", "8.8.8.8")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("172.16.0.1", "172.16.0.1")]
    public void A_strict_dotted_quad_is_IPv4(string text, string expected)
    {
        IpAddress address = Parse(text);

        Assert.True(address.IsIPv4);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("::1", "0:0:0:0:0:0:0:1")]
    [InlineData("::", "0:0:0:0:0:0:0:0")]
    [InlineData("fe80::1c2d:3e4f:5a6b:7c8d", "fe80:0:0:0:1c2d:3e4f:5a6b:7c8d")]
    [InlineData("FE80::ABCD", "fe80:0:0:0:0:0:0:abcd")]
    [InlineData("2001:db8::", "2001:db8:0:0:0:0:0:0")]
    [InlineData("1::8", "1:0:0:0:0:0:0:8")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")]
    [InlineData("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8")]
    [InlineData("ff02:0:0:0:0:0:1:2", "ff02::1:2")]
    [InlineData("e000:fc:0:0:d778:8035:0:0", "e000:fc::d778:8035:0:0")]
    [InlineData("::1.2.3.4", "::0102:0304")]
    [InlineData("64:ff9b::192.0.2.33", "64:ff9b::c000:221")]
    public void Compressed_and_written_out_IPv6_forms_are_the_same_address(string text, string sameAs)
    {
        IpAddress address = Parse(text);

        Assert.Equal(Parse(sameAs), address);
        Assert.False(address.IsIPv4);
    }

    [Theory]
    [InlineData("::ffff:8.8.8.8", "8.8.8.8")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("0:0:0:0:0:ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("::FFFF:c0a8:0101", "192.168.1.1")]
    public void An_IPv4_mapped_IPv6_address_is_its_IPv4_address(string text, string ipv4)
    {
        IpAddress address = Parse(text);

        Assert.True(address.IsIPv4);
        Assert.Equal(Parse(ipv4), address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(" 8.8.8.8")]
    [InlineData("8.8.8.8 ")]
    [InlineData("8.8.8")]
    [InlineData("8.8.8.8.8")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.04")]
    [InlineData("01.2.3.4")]
    [InlineData("1..3.4")]
    [InlineData("1.2.3.")]
    [InlineData("1.2.3.4/32")]
    [InlineData("8.8.8.8:53")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%12")]
    [InlineData("[::1]")]
    [InlineData(":::")]
    [InlineData(":1::")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8::")]
    [InlineData("12345::")]
    [InlineData("1:2:3:4:5:6:7:")]
    [InlineData("g::1")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("::ffff:1.2.3.4:5")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData("localhost")]
    [InlineData("0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1")]
    public void Anything_else_is_not_an_address(string text)
    {
        Assert.False(IpAddress.TryParse(Encoding.UTF8.GetBytes(text), out _));
        Assert.False(IpAddress.TryParse(text.AsSpan(), out _));
    }

    [Fact]
    public void Parsing_allocates_nothing()
    {
        byte[][] inputs = [.. new[] { "203.0.113.9", "0:0:0:0:0:0:0:1", "::ffff:10.0.0.1", "fe80::1%eth0" }.Select(Encoding.UTF8.GetBytes)];
        AllocationAssert.None(() =>
        {
            foreach (byte[] input in inputs)
            {
                IpAddress.TryParse(input, out _);
            }
        });
    }
}
