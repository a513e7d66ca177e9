using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NonStdPort.Cli.Metrics;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using Xunit;
using Xunit.Abstractions;

namespace NonStdPort.Cli.Tests.Metrics;

/// <summary>The metrics endpoint against the real Prometheus server and promtool (Debian's prometheus package).</summary>
public sealed class PrometheusScrapeTests(ITestOutputHelper output)
{
    private sealed class Checks(bool ready) : IHealthChecks
    {
        public HealthReport Live() => HealthReport.Pass("ok");
        public HealthReport Ready() => ready ? HealthReport.Pass("ready") : HealthReport.Fail("not ready: the Kafka brokers do not answer");
    }

    private static EngineCounters Counters(long alerts)
    {
        var counters = new EngineCounters();
        counters.CountRecord(Envelope.SysmonJson, OutcomeKind.Alert);
        counters.AlertsByScore[3] = alerts;
        counters.CountMalformed(MalformedReason.InvalidJson);
        return counters;
    }

    [Fact]
    public async Task Health_endpoints_answer_200_when_passing_and_503_when_not()
    {
        var metrics = new NonStdPortMetrics(() => Counters(1), null, new RuleReloads());
        await using var live = MetricsEndpoint.Start(new IPEndPoint(IPAddress.Loopback, 0), metrics.Registry, new Checks(ready: false), out _);
        Assert.NotNull(live);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{live.Address.Port}/healthz")).StatusCode);
        var ready = await http.GetAsync($"http://127.0.0.1:{live.Address.Port}/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("brokers", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Promtool_accepts_the_exposition_and_prometheus_reads_a_value_back()
    {
        if (!OnPath("prometheus") || !OnPath("promtool"))
        {
            output.WriteLine("skipped: prometheus/promtool not installed (apt-get install prometheus)");
            return;
        }

        var reloads = new RuleReloads();
        reloads.CountFailure();
        var metrics = new NonStdPortMetrics(() => Counters(7), null, reloads);
        await using var endpoint = MetricsEndpoint.Start(new IPEndPoint(IPAddress.Loopback, 0), metrics.Registry, new Checks(ready: true), out string? error);
        Assert.True(endpoint is not null, error);
        string target = $"127.0.0.1:{endpoint.Address.Port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string exposition = await http.GetStringAsync($"http://{target}/metrics");
        Assert.Contains("nonstdport_alerts_total{rule=\"non_standard_port\",score=\"3\"} 7", exposition);

        var check = Process.Start(new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
        await check.StandardInput.WriteAsync(exposition);
        check.StandardInput.Close();
        string problems = await check.StandardError.ReadToEndAsync() + await check.StandardOutput.ReadToEndAsync();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0, problems);

        string dir = Directory.CreateTempSubdirectory("nonstdport-prom-").FullName;
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"),
            $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: nonstdport\n    static_configs:\n      - targets: ['{target}']\n");
        var server = Process.Start(new ProcessStartInfo("prometheus",
            $"--config.file={dir}/prometheus.yml --storage.tsdb.path={dir}/data --web.listen-address=127.0.0.1:{port}")
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        server.ErrorDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            string query = $"http://127.0.0.1:{port}/api/v1/query?query=" + Uri.EscapeDataString("nonstdport_rules_reloads_total{result=\"failure\"}");
            string answer = "";
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(120))
            {
                try
                {
                    answer = await http.GetStringAsync(query);
                    if (answer.Contains("\"1\"]", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not up yet.
                }

                await Task.Delay(250);
            }

            Assert.Contains("\"1\"]", answer);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
