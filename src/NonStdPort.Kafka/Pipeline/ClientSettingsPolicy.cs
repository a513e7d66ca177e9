namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// librdkafka settings the pipeline owns because its delivery guarantee depends on them;
/// <c>-X</c> may not change them.
/// </summary>
internal static class ClientSettingsPolicy
{
    private static readonly Dictionary<string, string> Fixed = new(StringComparer.Ordinal)
    {
        // Offsets are stored only after every output of a record and of all before it is acknowledged.
        ["enable.auto.offset.store"] = "false",
        // The loop commits stored offsets itself, never during a rebalance (StoredOffsetCommit).
        ["enable.auto.commit"] = "false",
        // Alerts must survive a broker failure before their input offset is committed.
        ["enable.idempotence"] = "true",
        ["acks"] = "all",
    };

    /// <summary>Settings exactly-once owns in addition: offsets go only through the transaction.</summary>
    private static readonly Dictionary<string, string> FixedForTransactions = new(StringComparer.Ordinal)
    {
        ["isolation.level"] = "read_committed",
    };

    /// <summary>An error message when a setting would break the guarantee, else null.</summary>
    public static string? Check(IReadOnlyDictionary<string, string> settings, DeliveryGuarantee guarantee = DeliveryGuarantee.AtLeastOnce)
    {
        foreach (var (key, value) in settings)
        {
            if (guarantee == DeliveryGuarantee.ExactlyOnce)
            {
                if (key == "transactional.id")
                {
                    return "-X transactional.id is not allowed: it is derived from --group-id and --instance-id";
                }

                if (FixedForTransactions.TryGetValue(key, out string? needed) && !string.Equals(value, needed, StringComparison.OrdinalIgnoreCase))
                {
                    return $"-X {key}={value} is not allowed: exactly-once needs {key}={needed}";
                }
            }

            if (Fixed.TryGetValue(key, out string? required) && !string.Equals(value, required, StringComparison.OrdinalIgnoreCase)
                && !(key == "acks" && value == "-1"))
            {
                return $"-X {key}={value} is not allowed: the delivery guarantee needs {key}={required}";
            }

            if (key is "group.id" or "bootstrap.servers")
            {
                return $"-X {key} is not allowed: use --{(key == "group.id" ? "group-id" : "bootstrap-servers")}";
            }
        }

        return null;
    }
}
