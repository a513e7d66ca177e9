using System.Net;
using System.Text.Json;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;
using YamlDotNet.RepresentationModel;

namespace NonStdPort.Core.Tests.Write;

/// <summary>
/// Every field of every ECS sample exists in the published ECS 9.4.0 field list
/// (<c>../shared/schemas/ecs-9.4.0/ecs_flat.yml</c>) with a matching type and, where ECS lists
/// allowed values, one of them; fields ECS does not define are only under <c>nonstdport.</c>.
/// </summary>
public sealed class EcsConformanceTests
{
    private sealed record EcsField(string Type, bool IsArray, HashSet<string> Allowed, bool Required);

    private static readonly Lazy<Dictionary<string, EcsField>> Fields = new(Load);

    private static Dictionary<string, EcsField> Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Schemas.Path("ecs-9.4.0/ecs_flat.yml")))
        {
            yaml.Load(reader);
        }

        var fields = new Dictionary<string, EcsField>(StringComparer.Ordinal);
        foreach (var (key, value) in (YamlMappingNode)yaml.Documents[0].RootNode)
        {
            var node = (YamlMappingNode)value;
            string type = ((YamlScalarNode)node["type"]).Value!;
            bool isArray = node.Children.TryGetValue("normalize", out var normalize)
                && normalize is YamlSequenceNode list && list.Children.Any(n => ((YamlScalarNode)n).Value == "array");
            var allowed = new HashSet<string>(StringComparer.Ordinal);
            if (node.Children.TryGetValue("allowed_values", out var values) && values is YamlSequenceNode entries)
            {
                foreach (YamlMappingNode entry in entries.Children.Cast<YamlMappingNode>())
                {
                    allowed.Add(((YamlScalarNode)entry["name"]).Value!);
                }
            }

            bool required = node.Children.TryGetValue("required", out var req) && ((YamlScalarNode)req).Value == "true";
            fields[((YamlScalarNode)key).Value!] = new EcsField(type, isArray, allowed, required);
        }

        return fields;
    }

    /// <summary>Flattens a document into (dotted name, value) leaves; arrays of scalars are one leaf.</summary>
    private static IEnumerable<(string Name, JsonElement Value)> Leaves(JsonElement element, string prefix = "")
    {
        foreach (JsonProperty member in element.EnumerateObject())
        {
            string name = prefix + member.Name;
            if (member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var leaf in Leaves(member.Value, name + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (name, member.Value);
            }
        }
    }

    private static string? TypeProblem(EcsField field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (!field.IsArray)
            {
                return "is an array but the field is not";
            }

            return value.EnumerateArray().Select(v => TypeProblem(field, v)).FirstOrDefault(p => p is not null);
        }

        bool ok = field.Type switch
        {
            "keyword" or "constant_keyword" or "wildcard" or "text" or "match_only_text" => value.ValueKind == JsonValueKind.String,
            "long" or "integer" or "short" or "byte" or "unsigned_long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "float" or "double" or "scaled_float" or "half_float" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "date" => value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)
                      && value.GetString()!.Contains('T') && value.GetString()!.EndsWith('Z'),
            "ip" => value.ValueKind == JsonValueKind.String && IPAddress.TryParse(value.GetString(), out _),
            _ => false,
        };
        if (!ok)
        {
            return $"{value.GetRawText()} is not of ECS type {field.Type}";
        }

        return field.Allowed.Count > 0 && !field.Allowed.Contains(value.GetString()!)
            ? $"{value.GetRawText()} is not among the allowed values {string.Join(", ", field.Allowed)}"
            : null;
    }

    /// <summary>What is wrong with one ECS document, per field.</summary>
    private static IEnumerable<string> Problems(string sample)
    {
        using var doc = JsonDocument.Parse(sample);
        var leaves = Leaves(doc.RootElement).Select(l => (l.Name, Value: l.Value.Clone())).ToList();
        foreach (var (name, value) in leaves)
        {
            if (name.StartsWith("nonstdport.", StringComparison.Ordinal))
            {
                continue;
            }

            if (!Fields.Value.TryGetValue(name, out EcsField? field))
            {
                yield return $"{name}: not an ECS field, and not under nonstdport.";
            }
            else if (TypeProblem(field, value) is { } problem)
            {
                yield return $"{name}: {problem}";
            }
        }

        foreach (var (name, _) in Fields.Value.Where(f => f.Value.Required))
        {
            if (!leaves.Any(l => l.Name == name))
            {
                yield return $"{name}: required by ECS, missing";
            }
        }
    }

    [SchemaTheory]
    [InlineData("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\",\"custom\":{\"x\":1}}", "custom.x: not an ECS field")]
    [InlineData("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\",\"destination\":{\"port\":\"4444\"}}", "destination.port: \"4444\" is not of ECS type long")]
    [InlineData("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\",\"source\":{\"ip\":\"10.0.0.999\"}}", "source.ip: \"10.0.0.999\" is not of ECS type ip")]
    [InlineData("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\",\"event\":{\"kind\":\"warning\"}}", "event.kind: \"warning\" is not among the allowed values")]
    [InlineData("{\"event\":{\"kind\":\"alert\"}}", "@timestamp: required by ECS, missing")]
    public void The_checker_rejects_what_ecs_does_not_allow(string document, string expected) =>
        Assert.Contains(Problems(document), p => p.StartsWith(expected, StringComparison.Ordinal));

    public static TheoryData<bool> Modes() => new(false, true);

    [SchemaTheory]
    [MemberData(nameof(Modes))]
    public void Every_field_of_every_sample_exists_in_ecs_with_its_type_or_is_under_nonstdport(bool emitAll)
    {
        var samples = FormatSamples.Alerts(AlertFormat.Ecs, emitAll);
        Assert.NotEmpty(samples);
        var problems = samples.SelectMany(Problems).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }

    [SchemaTheory]
    [InlineData("event.kind", "alert")]
    [InlineData("threat.framework", "MITRE ATT&CK")]
    [InlineData("threat.tactic.id", "TA0011")]
    [InlineData("threat.technique.id", "T1571")]
    [InlineData("ecs.version", EcsAlertWriter.EcsVersion)]
    public void Every_sample_is_an_alert_of_technique_t1571(string field, string expected)
    {
        foreach (string sample in FormatSamples.Alerts(AlertFormat.Ecs))
        {
            using var doc = JsonDocument.Parse(sample);
            JsonElement value = Leaves(doc.RootElement).Single(l => l.Name == field).Value;
            string actual = value.ValueKind == JsonValueKind.Array ? value[0].GetString()! : value.GetString()!;
            Assert.Equal(expected, actual);
        }
    }

    [SchemaTheory]
    [InlineData("sourceip", "source.ip")]
    [InlineData("destinationip", "destination.ip")]
    [InlineData("destinationport", "destination.port")]
    [InlineData("username", "user.name")]
    [InlineData("process_name", "process.executable")]
    [InlineData("parent_process", "process.parent.executable")]
    [InlineData("command_line", "process.command_line")]
    [InlineData("parent_command_line", "process.parent.command_line")]
    [InlineData("hostname", "host.name")]
    [InlineData("process_guid", "process.entity_id")]
    [InlineData("protocol", "network.transport")]
    [InlineData("rule", "rule.name")]
    [InlineData("timestamp", "@timestamp")]
    [InlineData("detected_at", "event.created")]
    [InlineData("alert_id", "event.id")]
    [InlineData("risk_score", "nonstdport.risk_score")]
    [InlineData("log_source_type", "nonstdport.log_source_type")]
    public void Each_column_lands_in_its_ecs_field_with_the_same_value(string column, string ecsField)
    {
        var json = FormatSamples.Alerts(AlertFormat.Json);
        var ecs = FormatSamples.Alerts(AlertFormat.Ecs);
        for (int i = 0; i < json.Count; i++)
        {
            using var j = JsonDocument.Parse(json[i]);
            using var e = JsonDocument.Parse(ecs[i]);
            JsonElement expected = j.RootElement.GetProperty(column);
            var found = Leaves(e.RootElement).Where(l => l.Name == ecsField).Select(l => l.Value).ToList();
            if (expected.ValueKind == JsonValueKind.Null)
            {
                Assert.Empty(found);
            }
            else
            {
                Assert.Equal(expected.ToString(), Assert.Single(found).ToString());
            }
        }
    }
}
