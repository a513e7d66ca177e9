namespace NonStdPort.Core.Rules;

/// <summary>The built-in lists, exactly as the specification gives them.</summary>
public static class RuleDefaults
{
    /// <summary>High-risk processes: Windows LOLBins and, for Sysmon for Linux, shells and network tools.</summary>
    public static IReadOnlyList<string> HighRiskProcesses { get; } =
    [
        "cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe",
        "regsvr32.exe", "certutil.exe", "bitsadmin.exe", "msiexec.exe",
        "sh", "bash", "dash", "zsh", "ksh", "python", "python2", "python3*", "perl", "ruby", "php", "curl", "wget",
        "nc", "ncat", "netcat", "socat", "telnet",
    ];

    /// <summary>Ports known for command-and-control.</summary>
    public static IReadOnlyList<int> C2Ports { get; } =
        [444, 587, 1224, 1337, 2083, 2087, 4443, 4444, 4445, 6666, 6667, 6668, 7777, 8008, 8088, 8888, 9001, 9090, 31337];

    /// <summary>Standard service ports.</summary>
    public static IReadOnlyList<int> StandardPorts { get; } = [80, 443, 8080, 8443, 53, 25, 3000, 5000, 9000];

    /// <summary>Internal, reserved and documentation networks (IPv4 and IPv6).</summary>
    public static IReadOnlyList<string> InternalNetworks { get; } =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
        "240.0.0.0/4", "::/128", "::1/128", "fe80::/10", "fc00::/7", "ff00::/8", "2001:db8::/32",
    ];

    /// <summary>Lowest risk score that is an alert.</summary>
    public const int Threshold = 1;

    /// <summary>Whether inbound connections can be alerts.</summary>
    public const bool ScoreInbound = false;
}
