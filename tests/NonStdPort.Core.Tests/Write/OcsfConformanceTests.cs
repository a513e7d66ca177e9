using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

/// <summary>
/// Every OCSF sample is a valid Detection Finding against the published OCSF 1.8.0 schema
/// (<c>../shared/schemas/ocsf-1.8.0</c>): each attribute exists in the class (with its parents,
/// <c>$include</c>d profiles) or in its object (with its parents), its type is the dictionary's,
/// enum values are among the schema's, and required attributes are present; class_uid and type_uid
/// are what the category and class numbers make them (the dictionary's enums of those are
/// placeholders the schema server fills in, so they are checked from the class files instead).
/// A profile's attributes count only when the finding names the profile in <c>metadata.profiles</c>.
/// </summary>
public sealed class OcsfConformanceTests
{
    private sealed class Schema
    {
        private readonly JsonObject _dictionary;
        private readonly JsonObject _types;

        private static readonly HashSet<string> GeneratedEnums = ["class_uid", "category_uid", "type_uid"];

        public Schema()
        {
            _dictionary = (JsonObject)Read("dictionary.json")["attributes"]!;
            _types = (JsonObject)Read("dictionary.json")["types"]!["attributes"]!;
        }

        public static JsonObject Read(string relative) =>
            (JsonObject)JsonNode.Parse(File.ReadAllText(Schemas.Path(Path.Combine("ocsf-1.8.0", relative))))!;

        /// <summary>A class's or object's attributes: its parents' first, then <c>$include</c>s, then its own.</summary>
        public HashSet<string> Profiles { get; set; } = [];

        public Dictionary<string, JsonObject> Attributes(string folder, string name)
        {
            string file = folder == "objects" ? $"objects/{name}.json" : $"{folder}/{name}.json";
            JsonObject definition = Read(file);
            var attributes = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            if (definition["extends"]?.GetValue<string>() is { } parent)
            {
                string parentFolder = folder == "objects" ? "objects" : parent == "base_event" ? "events" : folder;
                foreach (var (key, value) in Attributes(parentFolder, parent))
                {
                    attributes[key] = value;
                }
            }

            var own = (JsonObject)definition["attributes"]!;
            if (own["$include"] is JsonArray includes)
            {
                foreach (string include in includes.Select(i => i!.GetValue<string>()))
                {
                    if (include.StartsWith("profiles/", StringComparison.Ordinal) && !Profiles.Contains(Path.GetFileNameWithoutExtension(include)))
                    {
                        continue;
                    }

                    foreach (var (key, value) in (JsonObject)Read(include)["attributes"]!)
                    {
                        Merge(attributes, key, (JsonObject)value!);
                    }
                }
            }

            foreach (var (key, value) in own)
            {
                if (key != "$include")
                {
                    Merge(attributes, key, (JsonObject)value!);
                }
            }

            return attributes;
        }

        private static void Merge(Dictionary<string, JsonObject> attributes, string key, JsonObject value)
        {
            var merged = attributes.TryGetValue(key, out JsonObject? before) ? (JsonObject)before.DeepClone() : [];
            foreach (var (k, v) in value)
            {
                merged[k] = v?.DeepClone();
            }

            attributes[key] = merged;
        }

        public void Check(JsonElement value, Dictionary<string, JsonObject> attributes, string path, List<string> problems)
        {
            foreach (JsonProperty member in value.EnumerateObject())
            {
                string at = path + member.Name;
                if (!attributes.TryGetValue(member.Name, out JsonObject? local) || _dictionary[member.Name] is not JsonObject dictionary)
                {
                    problems.Add($"{at}: no such attribute here");
                    continue;
                }

                string type = local["type"]?.GetValue<string>() ?? dictionary["type"]!.GetValue<string>();
                bool isArray = (local["is_array"] ?? dictionary["is_array"])?.GetValue<bool>() ?? false;
                var enumValues = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonObject source in GeneratedEnums.Contains(member.Name) ? [] : new[] { dictionary, local })
                {
                    if (source["enum"] is JsonObject e)
                    {
                        enumValues.UnionWith(e.Select(p => p.Key));
                    }
                }

                if (isArray != (member.Value.ValueKind == JsonValueKind.Array))
                {
                    problems.Add($"{at}: {(isArray ? "must be an array" : "must not be an array")}");
                    continue;
                }

                foreach (JsonElement item in isArray ? member.Value.EnumerateArray().ToArray() : [member.Value])
                {
                    CheckValue(item, type, enumValues, at, problems);
                }
            }

            foreach (var (name, definition) in attributes)
            {
                if (definition["requirement"]?.GetValue<string>() == "required" && !value.TryGetProperty(name, out _))
                {
                    problems.Add($"{path}{name}: required, missing");
                }
            }
        }

        private void CheckValue(JsonElement value, string type, HashSet<string> enumValues, string at, List<string> problems)
        {
            if (type == "object" || type == "json_t")
            {
                return;
            }

            if (!type.EndsWith("_t", StringComparison.Ordinal))
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{at}: must be a {type} object");
                    return;
                }

                Check(value, Attributes("objects", type), at + ".", problems);
                return;
            }

            string primitive = type;
            while (_types[primitive]?["type"]?.GetValue<string>() is { } baseType)
            {
                primitive = baseType;
            }

            bool ok = primitive switch
            {
                "string_t" => value.ValueKind == JsonValueKind.String,
                "integer_t" or "long_t" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                "float_t" => value.ValueKind == JsonValueKind.Number,
                "boolean_t" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => false,
            };
            if (ok && type == "ip_t")
            {
                ok = IPAddress.TryParse(value.GetString(), out _);
            }

            if (ok && _types[type]?["range"] is JsonArray range)
            {
                ok = value.GetInt64() >= range[0]!.GetValue<long>() && value.GetInt64() <= range[1]!.GetValue<long>();
            }

            if (!ok)
            {
                problems.Add($"{at}: {value.GetRawText()} is not a valid {type}");
            }
            else if (enumValues.Count > 0 && !enumValues.Contains(value.ToString()))
            {
                problems.Add($"{at}: {value.GetRawText()} is not among the enum values {string.Join(", ", enumValues)}");
            }
        }
    }

    private static readonly Lazy<Schema> Published = new(() => new Schema());

    private static List<string> Problems(string sample)
    {
        using var doc = JsonDocument.Parse(sample);
        var problems = new List<string>();
        Schema schema = Published.Value;
        schema.Profiles = doc.RootElement.TryGetProperty("metadata", out JsonElement metadata) && metadata.TryGetProperty("profiles", out JsonElement profiles)
            ? profiles.EnumerateArray().Select(p => p.GetString()!).ToHashSet()
            : [];
        schema.Check(doc.RootElement, schema.Attributes("events/findings", "detection_finding"), "", problems);
        return problems;
    }

    public static TheoryData<bool> Modes() => new(false, true);

    [SchemaTheory]
    [MemberData(nameof(Modes))]
    public void Every_sample_is_a_valid_detection_finding(bool emitAll)
    {
        var samples = FormatSamples.Alerts(AlertFormat.Ocsf, emitAll);
        Assert.NotEmpty(samples);
        var problems = samples.SelectMany(Problems).Distinct().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SchemaTheory]
    [MemberData(nameof(Modes))]
    public void Class_and_type_uids_are_those_of_a_detection_finding_create(bool emitAll)
    {
        JsonObject finding = Schema.Read("events/findings/detection_finding.json");
        string category = Schema.Read("events/findings/finding.json")["category"]!.GetValue<string>();
        int categoryUid = Schema.Read("categories.json")["attributes"]![category]!["uid"]!.GetValue<int>();
        int classUid = categoryUid * 1000 + finding["uid"]!.GetValue<int>();
        foreach (string sample in FormatSamples.Alerts(AlertFormat.Ocsf, emitAll))
        {
            using var doc = JsonDocument.Parse(sample);
            JsonElement root = doc.RootElement;
            Assert.Equal(2004, classUid);
            Assert.Equal(classUid, root.GetProperty("class_uid").GetInt32());
            Assert.Equal(categoryUid, root.GetProperty("category_uid").GetInt32());
            Assert.Equal(classUid * 100 + root.GetProperty("activity_id").GetInt32(), root.GetProperty("type_uid").GetInt64());
            Assert.Equal(OcsfAlertWriter.OcsfVersion, root.GetProperty("metadata").GetProperty("version").GetString());
            Assert.Equal(ProductInfo.Version, root.GetProperty("metadata").GetProperty("product").GetProperty("version").GetString());
        }
    }

    [SchemaTheory]
    [InlineData("\"bogus\":1", "bogus: no such attribute here")]
    [InlineData("\"severity_id\":7", "severity_id: 7 is not among the enum values")]
    [InlineData("\"time\":\"2026-01-01\"", "time: \"2026-01-01\" is not a valid timestamp_t")]
    [InlineData("\"evidences\":{}", "evidences: must be an array")]
    [InlineData("\"evidences\":[{\"dst_endpoint\":{\"port\":70000}}]", "evidences.dst_endpoint.port: 70000 is not a valid port_t")]
    [InlineData("\"device\":{\"hostname\":\"h\"}", "device.type_id: required, missing")]
    public void The_checker_rejects_what_ocsf_does_not_allow(string change, string expected)
    {
        string valid = FormatSamples.Alerts(AlertFormat.Ocsf)[0];
        var node = (JsonObject)JsonNode.Parse(valid)!;
        var patch = (JsonObject)JsonNode.Parse("{" + change + "}")!;
        foreach (var (key, value) in patch.ToList())
        {
            patch.Remove(key);
            node[key] = value;
        }

        Assert.Empty(Problems(valid));
        Assert.Contains(Problems(node.ToJsonString()), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [SchemaTheory]
    [InlineData("finding_info")]
    [InlineData("metadata")]
    [InlineData("severity_id")]
    [InlineData("time")]
    public void The_checker_rejects_a_finding_without_a_required_attribute(string attribute)
    {
        var node = (JsonObject)JsonNode.Parse(FormatSamples.Alerts(AlertFormat.Ocsf)[0])!;
        node.Remove(attribute);

        Assert.Contains($"{attribute}: required, missing", Problems(node.ToJsonString()));
    }
}
