using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace NonStdPort.Cli.Metrics;

/// <summary>Parses <c>--metrics-listen HOST:PORT</c> (also <c>[IPv6]:PORT</c>, <c>*:PORT</c> or <c>:PORT</c> for every interface).</summary>
internal static class MetricsListen
{
    /// <summary>The port the deploy/ recipes and the README use (OpenTelemetry's Prometheus exporter default).</summary>
    public const int ConventionalPort = 9464;

    /// <summary>Resolves <paramref name="text"/> to an endpoint; false with a message when it is not HOST:PORT.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        string value = text.Trim();
        int colon = value.LastIndexOf(':');
        if (colon < 0 || colon == value.Length - 1)
        {
            error = $"--metrics-listen '{text}' is not HOST:PORT (e.g. 127.0.0.1:{ConventionalPort} or 0.0.0.0:{ConventionalPort})";
            return false;
        }

        string host = value[..colon];
        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            error = $"--metrics-listen '{text}': the port must be a whole number from 0 to 65535";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        IPAddress? address;
        if (host is "" or "*")
        {
            address = IPAddress.Any;
        }
        else if (!IPAddress.TryParse(host, out address))
        {
            try
            {
                address = Array.Find(Dns.GetHostAddresses(host), a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                          ?? Dns.GetHostAddresses(host).FirstOrDefault();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                error = $"--metrics-listen '{text}': cannot resolve '{host}': {e.Message}";
                return false;
            }

            if (address is null)
            {
                error = $"--metrics-listen '{text}': '{host}' has no address";
                return false;
            }
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
