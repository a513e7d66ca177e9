using System.Globalization;
using Microsoft.Extensions.Configuration;
using NonStdPort.Core.Write;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Cli.Configuration;

/// <summary>The flags of <c>nonstdport run</c> as given; null means "not on the command line".</summary>
internal sealed record RunFlags
{
    public string? BootstrapServers { get; init; }
    public string[]? InputTopics { get; init; }
    public string? GroupId { get; init; }
    public string? OutputTopic { get; init; }
    public string? DlqTopic { get; init; }
    public string? Rules { get; init; }
    public string[]? ClientSettings { get; init; }
    public string? StatsInterval { get; init; }
    public string? ShutdownTimeout { get; init; }
    public string? ConnectTimeout { get; init; }
    public int? Consumers { get; init; }
    public string? Guarantee { get; init; }
    public string? InstanceId { get; init; }
    public string? CommitInterval { get; init; }
    public string? TransactionMaxRecords { get; init; }
    public string? TransactionMaxBytes { get; init; }
    public string? Replay { get; init; }
    public string? Format { get; init; }
    public string? ConfigFile { get; init; }
    public bool? WatchRules { get; init; }
    public string? MetricsListen { get; init; }
}

/// <summary>Everything <c>run</c> acts on, resolved: the pipeline's options plus the rules file and replay file.</summary>
/// <param name="Pipeline">The pipeline's options.</param>
/// <param name="RulesPath">The rules file, or null for the built-in rules.</param>
/// <param name="ReplayPath">The file to replay into the input topic first, or null.</param>
/// <param name="ConsumersGiven">True when the consumer count was configured rather than defaulted.</param>
/// <param name="Format">The shape of each alert message's value.</param>
/// <param name="WatchRules">Reload the rules file when it changes.</param>
/// <param name="MetricsListen">HOST:PORT of the metrics and health endpoint, or null for none.</param>
internal sealed record RunSettings(PipelineOptions Pipeline, string? RulesPath, string? ReplayPath, bool ConsumersGiven, AlertFormat Format = AlertFormat.Json, bool WatchRules = false, string? MetricsListen = null);

/// <summary>
/// Resolves <c>run</c>'s settings from, in rising precedence: the defaults in
/// <see cref="PipelineOptions"/>, <c>appsettings.json</c> (current directory, or <c>--config</c>),
/// <c>NONSTDPORT_</c> environment variables, and the flags.
/// </summary>
internal static class RunSettingsLoader
{
    /// <summary>The prefix of environment variables read as settings.</summary>
    public const string EnvironmentPrefix = "NONSTDPORT_";

    /// <summary>The settings file read from the current directory when <c>--config</c> is not given.</summary>
    public const string DefaultFile = "appsettings.json";

    /// <summary>
    /// Every top-level key a configuration source may hold (case-insensitive, as configuration
    /// keys are); anything else is an error, so that a misspelt key cannot silently fall back to a
    /// default such as the embedded broker.
    /// </summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "BootstrapServers", "InputTopics", "InputTopic", "GroupId", "OutputTopic", "DlqTopic", "Kafka",
        "StatsInterval", "ShutdownTimeout", "ConnectTimeout", "Consumers", "Rules", "Replay",
        "Guarantee", "InstanceId", "CommitInterval", "TransactionMaxRecords", "TransactionMaxBytes", "Format", "WatchRules", "MetricsListen",
    ];

    /// <summary>The values of <c>--guarantee</c> / <c>Guarantee</c>.</summary>
    public static readonly IReadOnlyList<string> Guarantees = ["at-least-once", "exactly-once"];

    /// <summary>Resolves the settings; returns an error message instead when something is invalid.</summary>
    public static RunSettings Load(RunFlags flags, out string? error)
    {
        var builder = new ConfigurationBuilder();
        if (flags.ConfigFile is { } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        else
        {
            builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), DefaultFile), optional: true);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        IConfiguration config = builder.Build();
        return Resolve(config, flags, out error);
    }

    /// <summary>
    /// The embedded demo broker starts only when no source names Kafka at all: Kafka client
    /// settings (<c>-X</c>, the <c>Kafka</c> section, <c>NONSTDPORT_Kafka__*</c>) or an empty
    /// <c>BootstrapServers</c> without servers are a production configuration gone wrong, not a demo.
    /// Returns the error, or null.
    /// </summary>
    private static string? EmbeddedRefused(IConfiguration config, RunFlags flags, Dictionary<string, string> clientSettings)
    {
        string? servers = flags.BootstrapServers ?? config["BootstrapServers"];
        if (!string.IsNullOrEmpty(servers))
        {
            return null;
        }

        if (servers is not null)
        {
            return "bootstrap servers are configured but empty; set them, or remove the setting to run the embedded demo broker";
        }

        return clientSettings.Count == 0
            ? null
            : $"Kafka settings are configured ({string.Join(", ", clientSettings.Keys.Order(StringComparer.Ordinal))}) but no bootstrap servers; " +
              "set --bootstrap-servers or BootstrapServers (the embedded demo broker starts only when no configuration names Kafka at all)";
    }

    /// <summary>Merges configuration and flags over the defaults.</summary>
    public static RunSettings Resolve(IConfiguration config, RunFlags flags, out string? error)
    {
        var defaults = new PipelineOptions();
        error = UnknownKey(config);
        if (error is not null)
        {
            return Empty(defaults);
        }

        string[]? configTopics = config.GetSection("InputTopics").GetChildren().Select(c => c.Value ?? "").ToArray() is { Length: > 0 } listed
            ? listed
            : config["InputTopic"] is { } single ? single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;

        var clientSettings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config.GetSection("Kafka").AsEnumerable(makePathsRelative: true))
        {
            if (entry.Value is not null)
            {
                clientSettings[entry.Key] = entry.Value;
            }
        }

        foreach (string setting in flags.ClientSettings ?? [])
        {
            int eq = setting.IndexOf('=');
            if (eq <= 0)
            {
                error = $"-X '{setting}' is not key=value";
                return Empty(defaults);
            }

            clientSettings[setting[..eq].Trim()] = setting[(eq + 1)..].Trim();
        }

        TimeSpan stats = Duration(flags.StatsInterval ?? config["StatsInterval"], defaults.StatsInterval, "stats interval", allowZero: true, ref error);
        TimeSpan shutdown = Duration(flags.ShutdownTimeout ?? config["ShutdownTimeout"], defaults.ShutdownTimeout, "shutdown timeout", allowZero: false, ref error);
        TimeSpan connect = Duration(flags.ConnectTimeout ?? config["ConnectTimeout"], defaults.ConnectTimeout, "connect timeout", allowZero: false, ref error);
        int consumers = defaults.Consumers;
        if (flags.Consumers is { } n)
        {
            consumers = n;
        }
        else if (config["Consumers"] is { } text && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out consumers))
        {
            error ??= $"Consumers '{text}' is not a whole number";
        }

        var guarantee = defaults.Guarantee;
        if ((flags.Guarantee ?? config["Guarantee"]) is { } guaranteeText)
        {
            int index = Guarantees.ToList().FindIndex(g => string.Equals(g, guaranteeText.Trim(), StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                error ??= $"guarantee '{guaranteeText}' is not one of {string.Join(", ", Guarantees)}";
            }
            else
            {
                guarantee = (DeliveryGuarantee)index;
            }
        }

        TimeSpan commitInterval = Duration(flags.CommitInterval ?? config["CommitInterval"], defaults.CommitInterval, "commit interval", allowZero: false, ref error);
        long maxRecords = Count(flags.TransactionMaxRecords ?? config["TransactionMaxRecords"], defaults.TransactionMaxRecords, "TransactionMaxRecords", ref error);
        long maxBytes = Count(flags.TransactionMaxBytes ?? config["TransactionMaxBytes"], defaults.TransactionMaxBytes, "TransactionMaxBytes", ref error);

        var options = defaults with
        {
            BootstrapServers = NullIfEmpty(flags.BootstrapServers ?? config["BootstrapServers"]),
            InputTopics = flags.InputTopics is { Length: > 0 } t ? t : configTopics ?? defaults.InputTopics,
            GroupId = flags.GroupId ?? config["GroupId"] ?? defaults.GroupId,
            OutputTopic = flags.OutputTopic ?? config["OutputTopic"] ?? defaults.OutputTopic,
            DlqTopic = NullIfEmpty(flags.DlqTopic ?? config["DlqTopic"]),
            ClientSettings = clientSettings,
            StatsInterval = stats,
            ShutdownTimeout = shutdown,
            ConnectTimeout = connect,
            Consumers = consumers,
            Guarantee = guarantee,
            InstanceId = NullIfEmpty(flags.InstanceId ?? config["InstanceId"]) ?? defaults.InstanceId,
            CommitInterval = commitInterval,
            TransactionMaxRecords = (int)Math.Min(maxRecords, int.MaxValue),
            TransactionMaxBytes = maxBytes,
        };
        error ??= options.Validate();
        error ??= EmbeddedRefused(config, flags, clientSettings);
        string? rules = NullIfEmpty(flags.Rules ?? config["Rules"]);
        string? replay = NullIfEmpty(flags.Replay ?? config["Replay"]);
        var format = AlertFormat.Json;
        if ((flags.Format ?? config["Format"]) is { } formatText && !AlertFormats.TryParse(formatText, out format))
        {
            error ??= $"format '{formatText}' is not one of {string.Join(", ", AlertFormats.Names)}";
        }

        bool watch = flags.WatchRules ?? false;
        if (flags.WatchRules is null && config["WatchRules"] is { } watchText && !bool.TryParse(watchText.Trim(), out watch))
        {
            error ??= $"WatchRules '{watchText}' is not true or false";
        }

        string? metrics = NullIfEmpty(flags.MetricsListen ?? config["MetricsListen"]);
        return new RunSettings(options, rules, replay, flags.Consumers is not null || config["Consumers"] is not null, format, watch, metrics);
    }

    private static string? UnknownKey(IConfiguration config)
    {
        // Per source when it can be told, so the error says where the stray key is.
        IEnumerable<(string Source, IEnumerable<string> Keys)> sources = config is IConfigurationRoot root
            ? root.Providers.Select(p => (Describe(p), p.GetChildKeys([], null)))
            : [("configuration", config.GetChildren().Select(c => c.Key))];
        foreach (var (source, keys) in sources)
        {
            foreach (string key in keys)
            {
                if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    return $"unknown setting '{key}' in {source}; valid settings: {string.Join(", ", Keys)} (librdkafka settings go under Kafka)";
                }
            }
        }

        return null;
    }

    private static string Describe(IConfigurationProvider provider) => provider switch
    {
        Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider json => json.Source.Path ?? DefaultFile,
        Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider => $"the environment ({EnvironmentPrefix}* variables)",
        _ => "configuration",
    };

    private static RunSettings Empty(PipelineOptions defaults) => new(defaults, null, null, false);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static long Count(string? text, long fallback, string name, ref string? error)
    {
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0)
        {
            return value;
        }

        error ??= $"{name} '{text}' is not a whole number above zero";
        return fallback;
    }

    private static TimeSpan Duration(string? text, TimeSpan fallback, string name, bool allowZero, ref string? error)
    {
        if (text is null)
        {
            return fallback;
        }

        if (allowZero && text.Trim() is "0" or "off")
        {
            return TimeSpan.Zero;
        }

        if (NonStdPort.Core.Rules.Duration.TryParse(text.Trim(), out TimeSpan value, out string? why) && value > TimeSpan.Zero)
        {
            return value;
        }

        error ??= $"{name}: {why ?? $"'{text}' must be longer than zero"}";
        return fallback;
    }
}
