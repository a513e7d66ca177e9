using System.Text;
using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Engine;

/// <summary>
/// Whatever a reader lets through, the engine neither throws nor writes broken JSON: random byte
/// flips of every sample go through every stage with --all, and every line written parses.
/// </summary>
public sealed class EngineRobustnessTests
{
    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Mutated_records_never_throw_and_every_alert_written_is_valid_JSON(string sample)
    {
        byte[] original = Encoding.UTF8.GetBytes(Samples.All[sample]);
        var random = new Random(7_571 + sample.Length);
        var engine = new Core.Engine(new RuleSetBuilder { InternalNetworks = [] }.Build(), new EngineOptions { EmitAll = true });
        var batch = new AlertBatch();
        byte[] alphabet = "\"\\{}[]:,<>/&;#-' \t0123456789.:abcdefTtrueF"u8.ToArray();
        var kinds = new HashSet<OutcomeKind>();

        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] mutated = (byte[])original.Clone();
            for (int i = 1 + random.Next(3); i > 0; i--)
            {
                int at = random.Next(mutated.Length);
                mutated[at] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            batch.Clear();
            RecordOutcome outcome = engine.Process(mutated, SourceRef.FromFile("fuzz", trial), batch);
            kinds.Add(outcome.Kind);
            Assert.Equal(outcome.AlertsWritten, batch.Count);
            for (int i = 0; i < batch.Count; i++)
            {
                using var doc = JsonDocument.Parse(batch.Json(batch[i]).ToArray());
                Assert.Equal("source", doc.RootElement.EnumerateObject().Last().Name);
            }
        }

        // The mutations reach the scorer and the writer, not only the reader's error paths.
        Assert.Contains(OutcomeKind.Malformed, kinds);
        Assert.True(kinds.Contains(OutcomeKind.Alert) || kinds.Contains(OutcomeKind.NotAlert), string.Join(",", kinds));
    }
}
