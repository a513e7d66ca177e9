using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>The key table behind every field-name lookup: exact match of context and key, nothing looser.</summary>
public sealed class KeyTableTests
{
    private static readonly KeyTable<int> Table = new(
    [
        (0, "DestinationHostname", 1), // 19 bytes: first and last eight do not cover the middle
        (0, "Image", 2),
        (1, "Image", 3),
        (0, "ip", 4),
        (0, "a", 5),
    ]);

    [Theory]
    [InlineData(0, "DestinationHostname", 1)]
    [InlineData(0, "DestinationXostname", 0)] // differs only in the middle
    [InlineData(0, "DestinationHostnamee", 0)]
    [InlineData(0, "Image", 2)]
    [InlineData(1, "Image", 3)]
    [InlineData(2, "Image", 0)]
    [InlineData(0, "image", 0)]
    [InlineData(0, "Imag", 0)]
    [InlineData(0, "ip", 4)]
    [InlineData(0, "pi", 0)]
    [InlineData(0, "a", 5)]
    [InlineData(0, "", 0)]
    public void Keys_match_exactly_within_their_context(int context, string key, int expected)
    {
        ref readonly int value = ref Table.Find((byte)context, Encoding.UTF8.GetBytes(key));

        Assert.Equal(expected, System.Runtime.CompilerServices.Unsafe.IsNullRef(in value) ? 0 : value);
    }

    [Fact]
    public void Every_sysmon_field_name_maps_to_its_own_field()
    {
        var fields = SysmonFieldMap.Names.Select(n => SysmonFieldMap.Lookup(Encoding.UTF8.GetBytes(n.Name))).ToList();

        Assert.Equal(SysmonFieldMap.Names.Select(n => n.Field), fields);
        Assert.Equal(fields.Count, fields.Distinct().Count());
        Assert.Equal(FieldId.None, SysmonFieldMap.Lookup("SourceHostname"u8));
    }
}
