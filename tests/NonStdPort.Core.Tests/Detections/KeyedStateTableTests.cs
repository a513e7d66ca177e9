using System.Text;
using NonStdPort.Core.Detect.State;

namespace NonStdPort.Core.Tests.Detections;

public sealed class KeyedStateTableTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(7, 64)]
    [InlineData(50, 2000)]
    [InlineData(3000, 5000)]
    public void Random_adds_finds_touches_and_removes_agree_with_a_reference_model(int maxEntries, int keySpace)
    {
        var table = new KeyedStateTable(maxEntries);
        var model = new LinkedList<string>(); // most recently used first
        var random = new Random(maxEntries * 7919 + keySpace);
        for (int step = 0; step < 60_000; step++)
        {
            string name = $"key-{random.Next(keySpace)}" + new string('k', random.Next(40));
            byte[] key = Encoding.UTF8.GetBytes(name);
            int hash = KeyedStateTable.Hash(key);
            int slot = table.Find(key, hash);
            LinkedListNode<string>? node = model.Find(name);
            Assert.Equal(node is not null, slot >= 0);

            switch (random.Next(3))
            {
                case 0 when slot >= 0:
                    table.Remove(slot);
                    model.Remove(node!);
                    break;
                case 1 when slot >= 0:
                    table.Touch(slot);
                    model.Remove(node!);
                    model.AddFirst(name);
                    break;
                default:
                    if (slot < 0)
                    {
                        int value = random.Next(16);
                        slot = table.Add(key, hash, value, out int evicted);
                        Assert.Equal(value, table.Value(slot).Length);
                        for (int i = 0; i < evicted; i++)
                        {
                            model.RemoveLast();
                        }

                        model.AddFirst(name);
                    }

                    break;
            }

            Assert.Equal(model.Count, table.Count);
            Assert.True(table.Count <= maxEntries);
        }

        foreach (string name in model)
        {
            byte[] key = Encoding.UTF8.GetBytes(name);
            Assert.True(table.Find(key, KeyedStateTable.Hash(key)) >= 0, name);
        }
    }

    [Fact]
    public void Values_survive_compaction_of_the_arena()
    {
        var table = new KeyedStateTable(100_000);
        var slots = new Dictionary<int, int>();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] key = BitConverter.GetBytes(i);
            int slot = table.Add(key, KeyedStateTable.Hash(key), 8, out _);
            BitConverter.TryWriteBytes(table.Value(slot), (long)i * 3);
            slots[i] = slot;
            if (i % 3 != 0)
            {
                table.Remove(slot);
                slots.Remove(i);
            }
        }

        foreach ((int i, int slot) in slots)
        {
            byte[] key = BitConverter.GetBytes(i);
            Assert.Equal(slot, table.Find(key, KeyedStateTable.Hash(key)));
            Assert.Equal((long)i * 3, BitConverter.ToInt64(table.Value(slot)));
        }

        Assert.InRange(table.LiveBytes, 1, slots.Count * 24);
    }
}
