namespace NonStdPort.Core.Tests.Support;

/// <summary>Asserts that a warm hot path allocates nothing on the current thread.</summary>
public static class AllocationAssert
{
    /// <summary>Runs <paramref name="action"/> to warm it up, then asserts that <paramref name="iterations"/> more runs allocate 0 bytes.</summary>
    public static void None(Action action, int iterations = 1000)
    {
        for (int i = 0; i < 10; i++)
        {
            action();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            action();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
