using Microsoft.Extensions.Configuration;
using NonStdPort.Cli.Configuration;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>Where <c>run</c>'s settings come from: defaults, then settings file and environment, then flags.</summary>
public sealed class RunSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Nothing_configured_gives_the_defaults_and_an_embedded_broker()
    {
        var settings = RunSettingsLoader.Resolve(Config(), new RunFlags(), out string? error);
        Assert.Null(error);
        Assert.Null(settings.Pipeline.BootstrapServers);
        Assert.Equal([PipelineOptions.DefaultInputTopic], settings.Pipeline.InputTopics);
        Assert.Equal(PipelineOptions.DefaultOutputTopic, settings.Pipeline.OutputTopic);
        Assert.Equal(PipelineOptions.DefaultGroupId, settings.Pipeline.GroupId);
        Assert.Null(settings.Pipeline.DlqTopic);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Pipeline.StatsInterval);
    }

    [Theory]
    [InlineData("flag", "security.protocol")]
    [InlineData("file", "security.protocol")]
    [InlineData("environment", "security.protocol")]
    [InlineData("empty servers", "empty")]
    public void Any_source_naming_kafka_without_bootstrap_servers_is_an_error_not_an_embedded_broker(string source, string mentioned)
    {
        string? error;
        switch (source)
        {
            case "flag":
                RunSettingsLoader.Resolve(Config(), new RunFlags { ClientSettings = ["security.protocol=SASL_SSL"] }, out error);
                break;
            case "file":
                RunSettingsLoader.Resolve(Config(("Kafka:security.protocol", "SASL_SSL")), new RunFlags(), out error);
                break;
            case "environment":
                FromEnvironment("Kafka__security.protocol", "SASL_SSL", out error);
                break;
            default:
                RunSettingsLoader.Resolve(Config(("BootstrapServers", "")), new RunFlags(), out error);
                break;
        }

        Assert.NotNull(error);
        Assert.Contains(mentioned, error);
        Assert.Contains("bootstrap servers", error);
    }

    [Fact]
    public void Configuration_values_are_used_and_flags_win_over_them()
    {
        var config = Config(
            ("BootstrapServers", "kafka-1:9092"), ("InputTopics:0", "a"), ("InputTopics:1", "b"), ("GroupId", "g1"),
            ("OutputTopic", "alerts-x"), ("DlqTopic", "dead"), ("StatsInterval", "30s"), ("ShutdownTimeout", "1m"),
            ("ConnectTimeout", "45s"),
            ("Kafka:security.protocol", "SASL_SSL"), ("Kafka:compression.type", "zstd"), ("Rules", "rules.yaml"));
        var flags = new RunFlags { GroupId = "g2", ClientSettings = ["compression.type=gzip"], InputTopics = ["c"] };

        var settings = RunSettingsLoader.Resolve(config, flags, out string? error);

        Assert.Null(error);
        var p = settings.Pipeline;
        Assert.Equal("kafka-1:9092", p.BootstrapServers);
        Assert.Equal(["c"], p.InputTopics);
        Assert.Equal("g2", p.GroupId);
        Assert.Equal("alerts-x", p.OutputTopic);
        Assert.Equal("dead", p.DlqTopic);
        Assert.Equal(TimeSpan.FromSeconds(30), p.StatsInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), p.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), p.ConnectTimeout);
        Assert.Equal("SASL_SSL", p.ClientSettings["security.protocol"]);
        Assert.Equal("gzip", p.ClientSettings["compression.type"]);
        Assert.Equal("rules.yaml", settings.RulesPath);
    }

    [Theory]
    [InlineData("BootstrapServer")]
    [InlineData("bootstrap_servers")]
    [InlineData("Delivery:Mode")]
    public void An_unknown_key_is_an_error_that_names_it_and_lists_the_valid_keys(string key)
    {
        RunSettingsLoader.Resolve(Config((key, "kafka-1:9092")), new RunFlags(), out string? error);

        Assert.NotNull(error);
        Assert.Contains($"unknown setting '{key.Split(':')[0]}'", error);
        Assert.All(RunSettingsLoader.Keys, valid => Assert.Contains(valid, error));
    }

    [Theory]
    [InlineData("bootstrapservers")]
    [InlineData("KAFKA:security.protocol")]
    public void Known_keys_are_matched_whatever_their_case(string key)
    {
        RunSettingsLoader.Resolve(Config((key, "x")), new RunFlags { BootstrapServers = "kafka-1:9092" }, out string? error);
        Assert.Null(error);
    }

    [Fact]
    public void An_unknown_environment_variable_with_the_prefix_is_an_error_that_says_it_came_from_the_environment()
    {
        FromEnvironment("BootstrapServer", "kafka-1:9092", out string? error);
        Assert.NotNull(error);
        Assert.Contains("unknown setting 'BootstrapServer' in the environment", error);
    }

    [Fact]
    public void Environment_variables_with_the_prefix_are_read()
    {
        var settings = FromEnvironment("OutputTopic", "from-env", out string? error);
        Assert.Null(error);
        Assert.Equal("from-env", settings.Pipeline.OutputTopic);
    }

    /// <summary>Resolves with one prefixed environment variable set for the duration.</summary>
    private static RunSettings FromEnvironment(string key, string value, out string? error)
    {
        string name = RunSettingsLoader.EnvironmentPrefix + key;
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            var config = new ConfigurationBuilder().AddEnvironmentVariables(RunSettingsLoader.EnvironmentPrefix).Build();
            return RunSettingsLoader.Resolve(config, new RunFlags(), out error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory]
    [InlineData("enable.auto.offset.store=true", "enable.auto.offset.store")]
    [InlineData("acks=1", "acks")]
    [InlineData("enable.idempotence=false", "enable.idempotence")]
    [InlineData("enable.auto.commit=true", "enable.auto.commit=false")]
    [InlineData("group.id=x", "--group-id")]
    [InlineData("novalue", "key=value")]
    public void Settings_that_would_break_the_guarantee_are_refused(string setting, string mentioned)
    {
        RunSettingsLoader.Resolve(Config(), new RunFlags { ClientSettings = [setting] }, out string? error);
        Assert.NotNull(error);
        Assert.Contains(mentioned, error);
    }

    [Theory]
    [InlineData("transactional.id=x", "--instance-id")]
    [InlineData("isolation.level=read_uncommitted", "isolation.level=read_committed")]
    public void Under_exactly_once_settings_that_would_let_offsets_or_outputs_escape_the_transaction_are_refused(string setting, string mentioned)
    {
        RunSettingsLoader.Resolve(Config(), new RunFlags { Guarantee = "exactly-once", ClientSettings = [setting] }, out string? error);
        Assert.NotNull(error);
        Assert.Contains(mentioned, error);

        RunSettingsLoader.Resolve(Config(), new RunFlags { BootstrapServers = "kafka-1:9092", ClientSettings = [setting] }, out string? atLeastOnce);
        Assert.Null(atLeastOnce);
    }

    [Fact]
    public void Exactly_once_is_off_by_default_and_its_settings_come_from_configuration_with_flags_winning()
    {
        var defaults = RunSettingsLoader.Resolve(Config(), new RunFlags(), out _).Pipeline;
        Assert.Equal(DeliveryGuarantee.AtLeastOnce, defaults.Guarantee);
        Assert.Equal(Environment.MachineName, defaults.InstanceId);

        var config = Config(("Guarantee", "Exactly-Once"), ("InstanceId", "node-a"), ("CommitInterval", "250ms"),
            ("TransactionMaxRecords", "500"), ("TransactionMaxBytes", "1048576"), ("GroupId", "g"));
        var p = RunSettingsLoader.Resolve(config, new RunFlags { InstanceId = "node-b", TransactionMaxRecords = "900" }, out string? error).Pipeline;

        Assert.Null(error);
        Assert.Equal(DeliveryGuarantee.ExactlyOnce, p.Guarantee);
        Assert.Equal("node-b", p.InstanceId);
        Assert.Equal(TimeSpan.FromMilliseconds(250), p.CommitInterval);
        Assert.Equal(900, p.TransactionMaxRecords);
        Assert.Equal(1048576, p.TransactionMaxBytes);
        Assert.Equal("g.node-b.0", p.TransactionalId(0));
        Assert.Equal("g.node-b.3", p.TransactionalId(3));
    }

    [Theory]
    [InlineData("Guarantee", "at-most-once", "guarantee 'at-most-once'")]
    [InlineData("TransactionMaxRecords", "0", "TransactionMaxRecords '0'")]
    [InlineData("TransactionMaxBytes", "lots", "TransactionMaxBytes 'lots'")]
    [InlineData("CommitInterval", "0", "commit interval")]
    public void A_bad_exactly_once_setting_is_an_error_that_names_it(string key, string value, string mentioned)
    {
        RunSettingsLoader.Resolve(Config((key, value)), new RunFlags(), out string? error);
        Assert.NotNull(error);
        Assert.Contains(mentioned, error);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    public void The_stats_interval_takes_durations_and_zero_turns_it_off(string text, double seconds)
    {
        var settings = RunSettingsLoader.Resolve(Config(), new RunFlags { StatsInterval = text }, out string? error);
        Assert.Null(error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Pipeline.StatsInterval);
    }

    [Theory]
    [InlineData("ten", null)]
    [InlineData(null, "-1s")]
    public void A_bad_duration_is_an_error(string? stats, string? shutdown)
    {
        RunSettingsLoader.Resolve(Config(), new RunFlags { StatsInterval = stats, ShutdownTimeout = shutdown }, out string? error);
        Assert.NotNull(error);
    }

    [Fact]
    public void An_input_topic_that_is_also_the_output_is_refused()
    {
        RunSettingsLoader.Resolve(Config(), new RunFlags { InputTopics = ["alerts"] }, out string? error);
        Assert.Contains("both an input and an output", error);
    }
}

/// <summary>The <c>Format</c> setting: from configuration, overridden by <c>--format</c>, rejected when it names no format.</summary>
public sealed class FormatSettingTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData(null, null, NonStdPort.Core.Write.AlertFormat.Json)]
    [InlineData("ecs", null, NonStdPort.Core.Write.AlertFormat.Ecs)]
    [InlineData("OCSF", null, NonStdPort.Core.Write.AlertFormat.Ocsf)]
    [InlineData(" leef ", null, NonStdPort.Core.Write.AlertFormat.Leef)]
    [InlineData("leef", "cef", NonStdPort.Core.Write.AlertFormat.Cef)]
    [InlineData(null, "json", NonStdPort.Core.Write.AlertFormat.Json)]
    public void Format_is_bound_from_configuration_and_the_flag_wins(string? configured, string? flag, NonStdPort.Core.Write.AlertFormat expected)
    {
        IConfiguration config = configured is null ? Config() : Config(("Format", configured));

        var settings = RunSettingsLoader.Resolve(config, new RunFlags { Format = flag }, out string? error);

        Assert.Null(error);
        Assert.Equal(expected, settings.Format);
    }

    [Fact]
    public void A_format_that_names_none_is_an_error_listing_the_formats()
    {
        RunSettingsLoader.Resolve(Config(("Format", "syslog")), new RunFlags(), out string? error);

        Assert.Equal("format 'syslog' is not one of json, ecs, ocsf, leef, cef", error);
    }
}
