using System.Text;
using System.Text.Json;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Detections;
using NonStdPort.Core.Write;
using static NonStdPort.Core.Tests.Detections.SysmonJson;

namespace NonStdPort.Core.Tests.Rules;

/// <summary>An engine over <see cref="LiveRules"/>: a swapped rule set applies from the next record; detection state survives when its settings do.</summary>
public sealed class LiveRulesTests
{
    private const string ProcessGuid = "{00000000-0000-0000-0000-0000000000c1}";

    [Theory]
    [InlineData("threshold: 2\n", true)]
    [InlineData("score_inbound: true\n", true)]
    [InlineData("lineage:\n  max_processes: 1000\n", false)]
    [InlineData("beacon:\n  count: 8\n", false)]
    public void Detection_state_is_kept_when_detection_settings_are_unchanged_and_rebuilt_when_they_change(string yaml, bool kept)
    {
        var live = new LiveRules(RuleSet.Default);
        var engine = new Core.Engine(live);
        Feed(engine, ProcessCreate(0, ProcessGuid, PowerShell, @"C:\Windows\explorer.exe"));

        Assert.Equal(kept, live.Swap(Parse(yaml)));
        JsonElement alert = Assert.Single(Feed(engine, Connection(1, ProcessGuid)));

        // Lineage remembered the process only if its state survived the swap.
        Assert.Equal(kept ? JsonValueKind.String : JsonValueKind.Null, alert.GetProperty("parent_process").ValueKind);
        Assert.Same(live.Current, engine.Rules);
        Assert.Equal((1, 0), (live.Reloads.Success, live.Reloads.Failure));
    }

    [Fact]
    public void A_swap_applies_from_the_next_record_and_a_rejected_reload_keeps_the_rules_in_force()
    {
        var live = new LiveRules(RuleSet.Default);
        var engine = new Core.Engine(live);
        string score1 = Connection(0, image: @"C:\Program Files\Updater\updater.exe", port: 8088);
        int before = Feed(engine, score1).Count;

        live.Swap(Parse("threshold: 3\n"));
        int after = Feed(engine, score1).Count;
        live.Reject();
        int rejected = Feed(engine, score1).Count;

        Assert.Equal((1, 0, 0), (before, after, rejected));
        Assert.Equal((1, 1), (live.Reloads.Success, live.Reloads.Failure));
        Assert.Equal(1, live.Version);
    }

    private static RuleSet Parse(string yaml) => RulesFile.Parse(yaml).Rules ?? throw new InvalidOperationException(yaml);

    private static List<JsonElement> Feed(Core.Engine engine, string record)
    {
        var batch = new AlertBatch();
        engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile("t.json", 1), batch);
        var alerts = new List<JsonElement>();
        for (int i = 0; i < batch.Count; i++)
        {
            alerts.Add(JsonDocument.Parse(batch.Json(batch[i]).ToArray()).RootElement.Clone());
        }

        return alerts;
    }
}
