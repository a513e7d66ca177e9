namespace NonStdPort.Core.Tests.Support;

/// <summary>Asserts that a warm hot path allocates nothing on the current thread.</summary>
public static class AllocationAssert
{
    private const int Rounds = 3;

    /// <summary>
    /// Runs <paramref name="action"/> to warm it up, then asserts that a round of
    /// <paramref name="iterations"/> more runs allocates 0 bytes. Up to three rounds are measured:
    /// the runtime can allocate once on the thread while it re-compiles a method at a higher tier,
    /// but an allocation per call shows in every round, so it always fails the assertion.
    /// </summary>
    public static void None(Action action, int iterations = 1000)
    {
        for (int i = 0; i < 100; i++)
        {
            action();
        }

        long fewest = long.MaxValue;
        for (int round = 0; round < Rounds && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                action();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(fewest == 0, $"{fewest} bytes allocated over {iterations} warm runs (the fewest of {Rounds} rounds)");
    }

    /// <summary>
    /// Asserts that at least one of three consecutive rounds of a stateful hot path allocates
    /// 0 bytes: <paramref name="round"/> gets the round number (0 to 2) and runs that round's share
    /// of the work. For work that cannot be repeated (event time moves on), so a fresh share is used
    /// per round; as with <see cref="None"/>, an allocation per call shows in every round.
    /// </summary>
    public static void NoneInSomeRound(Action<int> round)
    {
        long fewest = long.MaxValue;
        for (int r = 0; r < Rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round(r);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(fewest == 0, $"{fewest} bytes allocated in the quietest of {Rounds} warm rounds");
    }
}
