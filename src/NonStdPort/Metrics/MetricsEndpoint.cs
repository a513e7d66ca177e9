using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;

namespace NonStdPort.Cli.Metrics;

/// <summary>
/// The HTTP endpoint of <c>--metrics-listen</c>: <c>GET /metrics</c> (Prometheus text exposition
/// of a prometheus-net registry), <c>/healthz</c> and <c>/readyz</c> (200 or 503 with a one-line
/// reason). A small listener of its own over a socket rather than prometheus-net's
/// <c>MetricServer</c>: that one serves only the metrics path, and <c>HttpListener</c> cannot bind
/// port 0, which tests and parallel runs need to get a free port from the system. One request per
/// connection (<c>Connection: close</c>), as Prometheus and probes make them; requests are
/// served one at a time, off the scoring threads.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly CollectorRegistry _registry;
    private readonly IHealthChecks _health;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    private MetricsEndpoint(TcpListener listener, CollectorRegistry registry, IHealthChecks health)
    {
        _listener = listener;
        _registry = registry;
        _health = health;
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The address bound (with the port the system chose when 0 was asked for).</summary>
    public IPEndPoint Address => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Binds <paramref name="address"/> and starts serving; null with <paramref name="error"/> when it cannot be bound.</summary>
    public static MetricsEndpoint? Start(IPEndPoint address, CollectorRegistry registry, IHealthChecks health, out string? error)
    {
        var listener = new TcpListener(address);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            error = $"--metrics-listen {Format(address)}: cannot listen: {e.Message}";
            return null;
        }

        error = null;
        return new MetricsEndpoint(listener, registry, health);
    }

    /// <summary>The log line that says where the endpoint is.</summary>
    public string Describe() => $"metrics: serving http://{Format(Address)}/metrics, /healthz and /readyz";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static string Format(IPEndPoint address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address.Address}]:{address.Port}" : $"{address.Address}:{address.Port}";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(RequestTimeout);
                try
                {
                    await AnswerAsync(client.GetStream(), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // A client that went away or never finished its request: nothing to answer.
                }
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, CancellationToken cancel)
    {
        string? target = await ReadRequestLineAsync(stream, cancel).ConfigureAwait(false);
        if (target is null)
        {
            await WriteAsync(stream, 400, "text/plain; charset=utf-8", "bad request\n"u8.ToArray(), head: false, cancel).ConfigureAwait(false);
            return;
        }

        bool head = target.StartsWith("HEAD ", StringComparison.Ordinal);
        if (!head && !target.StartsWith("GET ", StringComparison.Ordinal))
        {
            await WriteAsync(stream, 405, "text/plain; charset=utf-8", "only GET and HEAD\n"u8.ToArray(), head: false, cancel).ConfigureAwait(false);
            return;
        }

        string path = target[(target.IndexOf(' ') + 1)..];
        int end = path.IndexOfAny([' ', '?']);
        path = end < 0 ? path : path[..end];
        switch (path)
        {
            case "/metrics":
                using (var body = new MemoryStream())
                {
                    await _registry.CollectAndExportAsTextAsync(body, cancel).ConfigureAwait(false);
                    await WriteAsync(stream, 200, "text/plain; version=0.0.4; charset=utf-8", body.ToArray(), head, cancel).ConfigureAwait(false);
                }

                break;
            case "/healthz":
                await WriteHealthAsync(stream, _health.Live(), head, cancel).ConfigureAwait(false);
                break;
            case "/readyz":
                await WriteHealthAsync(stream, _health.Ready(), head, cancel).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(stream, 404, "text/plain; charset=utf-8", "not found: try /metrics, /healthz or /readyz\n"u8.ToArray(), head, cancel).ConfigureAwait(false);
                break;
        }
    }

    private static Task WriteHealthAsync(NetworkStream stream, HealthReport report, bool head, CancellationToken cancel) =>
        WriteAsync(stream, report.Ok ? 200 : 503, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(report.Detail + "\n"), head, cancel);

    /// <summary>Reads the request head up to its blank line; returns the request line, or null when it is not HTTP.</summary>
    private static async Task<string?> ReadRequestLineAsync(NetworkStream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }

        int lineEnd = buffer.AsSpan(0, length).IndexOf((byte)'\n');
        if (lineEnd <= 0)
        {
            return null;
        }

        string line = Encoding.ASCII.GetString(buffer, 0, lineEnd).TrimEnd('\r');
        return line.Contains(" HTTP/", StringComparison.Ordinal) ? line : null;
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string contentType, byte[] body, bool head, CancellationToken cancel)
    {
        string reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Service Unavailable",
        };
        string header = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), cancel).ConfigureAwait(false);
        if (!head)
        {
            await stream.WriteAsync(body, cancel).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancel).ConfigureAwait(false);
    }
}
