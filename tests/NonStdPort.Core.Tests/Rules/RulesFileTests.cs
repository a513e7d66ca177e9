using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Rules;

public sealed class RulesFileTests
{
    private static RuleSet Valid(string yaml)
    {
        RulesFileResult result = RulesFile.Parse(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => e.Format("rules.yaml"))));
        return result.Rules!;
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void An_empty_file_gives_the_defaults(string yaml) =>
        Assert.Equal(RulesFile.ToYaml(RuleSet.Default), RulesFile.ToYaml(Valid(yaml)));

    [Fact]
    public void A_list_given_as_a_sequence_replaces_the_default_list()
    {
        RuleSet rules = Valid("c2_ports: [4444, 8081]\nhigh_risk_processes: [evil.exe]\n");

        Assert.Equal([4444, 8081], rules.C2Ports.Ports.ToArray());
        Assert.Equal(["evil.exe"], rules.HighRiskProcesses.Names.ToArray());
        Assert.False(rules.C2Ports.Contains(31337));
        Assert.Equal(RuleSet.Default.StandardPorts.Ports.ToArray(), rules.StandardPorts.Ports.ToArray());
    }

    [Fact]
    public void An_empty_sequence_empties_the_list() =>
        Assert.True(Valid("internal_networks: []").InternalNetworks.Networks.IsEmpty);

    [Fact]
    public void A_mapping_with_add_and_remove_edits_the_default_list()
    {
        RuleSet rules = Valid("""
            c2_ports:
              add: [8081, 4444]
              remove: [587]
            high_risk_processes:
              remove: [MSIEXEC.EXE]
              add: [wmic.exe]
            internal_networks:
              remove: [fc00::/7]
            """);

        Assert.True(rules.C2Ports.Contains(8081));
        Assert.False(rules.C2Ports.Contains(587));
        Assert.Equal(RuleSet.Default.C2Ports.Ports.Length, rules.C2Ports.Ports.Length);
        Assert.DoesNotContain("msiexec.exe", rules.HighRiskProcesses.Names);
        Assert.Contains("wmic.exe", rules.HighRiskProcesses.Names);
        Assert.DoesNotContain("fc00::/7", rules.InternalNetworks.Networks);
        Assert.Equal(19, rules.InternalNetworks.Networks.Length);
    }

    [Fact]
    public void Detection_sections_merge_key_by_key_over_their_defaults()
    {
        RuleSet rules = Valid("""
            beacon:
              count: 10
              max_interval: 2h
            lineage:
              enabled: false
              grace_period: 30s
            rdp_port_change:
              enabled: false
            """);

        Assert.Equal(new BeaconOptions { Count = 10, MaxInterval = TimeSpan.FromHours(2) }, rules.Beacon);
        Assert.Equal(new LineageOptions { Enabled = false, TerminatedGrace = TimeSpan.FromSeconds(30) }, rules.Lineage);
        Assert.False(rules.RdpPortChange.Enabled);
    }

    [Fact]
    public void The_detection_defaults_are_those_of_the_specification()
    {
        RuleSet rules = RuleSet.Default;

        Assert.True(rules.Beacon.Enabled);
        Assert.Equal(6, rules.Beacon.Count);
        Assert.Equal(TimeSpan.FromSeconds(10), rules.Beacon.MinInterval);
        Assert.Equal(TimeSpan.FromHours(1), rules.Beacon.MaxInterval);
        Assert.Equal(0.2, rules.Beacon.MaxJitter);
        Assert.Equal(TimeSpan.FromMinutes(2), rules.Beacon.MaxLateness);
        Assert.Equal(200_000, rules.Beacon.MaxKeys);
        Assert.True(rules.RdpPortChange.Enabled);
        Assert.True(rules.Lineage.Enabled);
        Assert.Equal(200_000, rules.Lineage.MaxProcesses);
        Assert.Equal(TimeSpan.FromMinutes(5), rules.Lineage.TerminatedGrace);
        Assert.Equal(1, rules.Threshold);
        Assert.False(rules.ScoreInbound);
    }

    [Fact]
    public void Suppressions_are_read_in_all_three_kinds()
    {
        RuleSet rules = Valid("""
            suppress:
              processes: [backup-agent.exe]
              networks: [52.84.0.0/15]
              combinations:
                - process: powershell.exe
                  network: 20.190.128.0/18
                  port: 4443
                  reason: management script
                - {process: "curl", network: "185.199.108.0/22"}
            """);

        Assert.Equal(["backup-agent.exe"], rules.Suppressions.Processes.Names.ToArray());
        Assert.Equal(["52.84.0.0/15"], rules.Suppressions.Networks.Networks.ToArray());
        Assert.Equal(2, rules.Suppressions.Combinations.Length);
        Assert.Equal(4443, rules.Suppressions.Combinations[0].Port);
        Assert.Equal("management script", rules.Suppressions.Combinations[0].Reason);
        Assert.Null(rules.Suppressions.Combinations[1].Port);
    }

    [Theory]
    [InlineData("threshold: 0", 1, 12, "threshold must be from 1 to 3")]
    [InlineData("threshold: 4", 1, 12, "threshold must be from 1 to 3")]
    [InlineData("threshold: high", 1, 12, "expected a whole number")]
    [InlineData("threshold: \"2\"", 1, 12, "quoted text")]
    [InlineData("score_inbound: yes", 1, 16, "expected true or false")]
    [InlineData("score_inbound: 'true'", 1, 16, "quoted text")]
    [InlineData("colour: blue", 1, 1, "unknown key 'colour'")]
    [InlineData("# comment\nc2_ports: [444, 70000]", 2, 17, "a port must be from 0 to 65535, got 70000")]
    [InlineData("c2_ports: [-1]", 1, 12, "a port must be from 0 to 65535, got -1")]
    [InlineData("c2_ports: 4444", 1, 11, "expected a list")]
    [InlineData("c2_ports:", 1, 10, "expected a list")]
    [InlineData("c2_ports:\n  add: 4444", 2, 8, "'add' must be a list")]
    [InlineData("c2_ports:\n  append: [1]", 2, 3, "unknown key 'append'")]
    [InlineData("c2_ports:\n  remove: [8081]", 2, 12, "cannot remove '8081'")]
    [InlineData("internal_networks:\n  - 10.0.0.0/8\n  - 10.0.0.1/8", 3, 5, "did you mean 10.0.0.0/8")]
    [InlineData("internal_networks: [10.0.0.0/33]", 1, 21, "prefix length")]
    [InlineData("internal_networks: [not-a-network]", 1, 21, "is not an IPv4 or IPv6 address")]
    [InlineData("high_risk_processes: ['C:\\x\\cmd.exe']", 1, 23, "without a directory")]
    [InlineData("high_risk_processes: [\"a*b\"]", 1, 23, "'*' is allowed only at the end")]
    [InlineData("high_risk_processes: [[nested]]", 1, 23, "expected a text value")]
    [InlineData("suppress: [a]", 1, 11, "expected a mapping")]
    [InlineData("suppress:\n  combinations:\n    - process: x.exe", 3, 7, "needs both 'process' and 'network'")]
    [InlineData("suppress:\n  combinations:\n    - {process: x.exe, network: 1.2.3.0/24, port: 99999}", 3, 51, "a port must be from 0 to 65535")]
    [InlineData("suppress:\n  combinations:\n    - {process: x.exe, network: 1.2.3.0/24, ports: [1]}", 3, 45, "unknown key 'ports'")]
    [InlineData("beacon:\n  count: 2", 2, 10, "beacon.count must be from 3 to 1000")]
    [InlineData("beacon:\n  min_interval: 10", 2, 17, "write a whole number and a unit")]
    [InlineData("beacon:\n  max_interval: 1 hour", 2, 17, "is not a duration")]
    [InlineData("beacon:\n  max_jitter: 1.5", 2, 15, "beacon.max_jitter must be a number from 0 to 1")]
    [InlineData("beacon:\n  min_interval: 2h", 2, 3, "max_interval must not be less than beacon.min_interval")]
    [InlineData("beacon:\n  max_keys: 0", 2, 13, "beacon.max_keys must be from 1")]
    [InlineData("lineage:\n  grace: 5m", 2, 3, "unknown key 'grace'")]
    [InlineData("rdp_port_change:\n  enabled: maybe", 2, 12, "expected true or false")]
    [InlineData("threshold: 1\nthreshold: 2", 2, 1, "duplicate key 'threshold'")]
    // The parser reports an unclosed list where the input ends.
    [InlineData("c2_ports: [1,\n  2", 3, 1, "YAML syntax error")]
    [InlineData("- a\n- b", 1, 1, "must be a mapping")]
    public void A_bad_rules_file_is_reported_with_line_and_column(string yaml, int line, int column, string message)
    {
        RulesFileResult result = RulesFile.Parse(yaml);

        Assert.False(result.IsValid);
        Assert.Null(result.Rules);
        RulesFileError error = Assert.Single(result.Errors);
        Assert.Contains(message, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_not_only_the_first()
    {
        RulesFileResult result = RulesFile.Parse("threshold: 9\ncolour: blue\nc2_ports: [70000]\n");

        Assert.Equal([1, 2, 3], result.Errors.Select(e => e.Line).ToArray());
        Assert.Equal("rules.yaml:2:1: unknown key 'colour' (expected one of: threshold, score_inbound, high_risk_processes, c2_ports, standard_ports, internal_networks, suppress, beacon, rdp_port_change, lineage)", result.Errors[1].Format("rules.yaml"));
    }

    [Fact]
    public void Load_throws_with_every_error_formatted_as_file_line_column()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nonstdport-rules-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "threshold: 9\n");
        try
        {
            var e = Assert.Throws<RulesFileException>(() => RulesFile.Load(path));
            Assert.Equal($"{path}:1:12: threshold must be from 1 to 3, got 9", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string> RoundTripCases => new()
    {
        "",
        "threshold: 2\nscore_inbound: true\n",
        "c2_ports: {add: [8081]}\nhigh_risk_processes: ['we\"ird name.exe', 'tab\tname*']\n",
        "suppress:\n  processes: [a.exe]\n  networks: ['::ffff:0:0/96', 8.8.8.8]\n  combinations:\n    - {process: 'p*', network: 'fe80::/10', port: 0, reason: 'a \"quoted\" reason'}\n    - {process: q, network: 1.0.0.0/8}\n",
        "beacon: {enabled: false, count: 12, min_interval: 1500ms, max_interval: 1d, max_jitter: 0.05, max_lateness: 0s, max_keys: 7}\nlineage: {max_processes: 3, grace_period: 90s}\nrdp_port_change: {enabled: false}\n",
    };

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void Show_output_reads_back_to_the_same_rule_set(string yaml)
    {
        string shown = RulesFile.ToYaml(Valid(yaml));

        Assert.Equal(shown, RulesFile.ToYaml(Valid(shown)));
    }

    [Fact]
    public void The_example_rules_file_is_valid()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "NonStdPort.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.NotNull(dir);
        RuleSet rules = RulesFile.Load(Path.Combine(dir, "samples", "rules.example.yaml"));
        Assert.Contains("wmic.exe", rules.HighRiskProcesses.Names);
        Assert.Equal(2, rules.Suppressions.Combinations.Length);
    }
}
