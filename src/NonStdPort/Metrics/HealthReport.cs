namespace NonStdPort.Cli.Metrics;

/// <summary>The answer of a health or readiness check: 200 when <paramref name="Ok"/>, else 503; <paramref name="Detail"/> is the body.</summary>
internal readonly record struct HealthReport(bool Ok, string Detail)
{
    /// <summary>A passing check.</summary>
    public static HealthReport Pass(string detail) => new(true, detail);

    /// <summary>A failing check.</summary>
    public static HealthReport Fail(string detail) => new(false, detail);
}

/// <summary>What the endpoint's <c>/healthz</c> and <c>/readyz</c> ask.</summary>
internal interface IHealthChecks
{
    /// <summary>Alive: the process answers and its loop is not stuck.</summary>
    HealthReport Live();

    /// <summary>Ready: it can do its work now (for <c>run</c>: partitions assigned, brokers answering, state restored).</summary>
    HealthReport Ready();
}
