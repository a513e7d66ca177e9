namespace NonStdPort.Kafka.Tests.Support;

/// <summary>Waits on a condition with a timeout; fails with a message saying what never happened.</summary>
public static class Wait
{
    public static void Until(Func<bool> condition, TimeSpan timeout, string what) => Until(condition, timeout, () => what);

    public static void Until(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for: {what()}");
            }

            Thread.Sleep(20);
        }
    }
}
