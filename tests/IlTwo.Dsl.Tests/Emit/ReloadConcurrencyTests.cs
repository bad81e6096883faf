using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Tests.Emit;

public sealed class ReloadConcurrencyTests
{
    /// <summary>
    /// Eight threads evaluate through the registry while a ninth keeps swapping between two compiled versions whose
    /// SBP threshold differs. Every decision must be exactly what the version that made it decides, never a mix or a crash.
    /// </summary>
    [Fact]
    public async Task Evaluations_stay_consistent_while_the_protocol_is_replaced()
    {
        var source = File.ReadAllText(TestProtocols.Shipped("hd-il2-monotherapy"));
        var v1 = TestProtocols.CompileText(source, "hd-il2-monotherapy.il2");
        var v2 = TestProtocols.CompileText(
            source.Replace("version 1.0.0", "version 1.1.0", StringComparison.Ordinal)
                  .Replace("when sbp < 90 mm[Hg]", "when sbp < 95 mm[Hg]", StringComparison.Ordinal)
                  .Replace("SBP exactly 90 mm[Hg] does not hold\" using stable-patient {\n  sbp 90 mm[Hg] 1 h ago\n  expect give", "SBP exactly 90 mm[Hg] does not hold\" using stable-patient {\n  sbp 90 mm[Hg] 1 h ago\n  expect hold", StringComparison.Ordinal),
            "hd-il2-monotherapy.il2");
        Assert.DoesNotContain(v2.Diagnostics, d => d.IsError);

        // SBP 92: version 1.0.0 gives, version 1.1.0 holds.
        var scenario = v1.Protocol.Scenarios.First(s => s.Title.StartsWith("a stable patient", StringComparison.Ordinal));
        var record = ScenarioRunner.ToRecord(scenario, ScenarioRunner.Now);
        record = record with { Observations = [.. record.Observations.Where(o => o.Code != "sbp"), RecordedObservation.Numeric("8480-6", ScenarioRunner.Now.AddHours(-1), 92, "mm[Hg]")] };
        var expected = new Dictionary<string, DoseAction> { ["1.0.0"] = DoseAction.Give, ["1.1.0"] = DoseAction.Hold };

        using var registry = new ProtocolRegistry();
        registry.Replace(TestProtocols.Load(v1));
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        var evaluators = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var decision = registry.Evaluate("hd-il2-monotherapy", record, ScenarioRunner.Now);
                seen.AddOrUpdate(decision.ProtocolVersion, 1, (_, n) => n + 1);
                if (decision.Action != expected[decision.ProtocolVersion])
                {
                    failures.Add($"{decision.ProtocolVersion}: {decision.Action}");
                }
            }
        })).ToArray();

        for (var i = 0; i < 20; i++)
        {
            registry.Replace(TestProtocols.Load(i % 2 == 0 ? v2 : v1));
            await Task.Delay(20);
        }
        stop.Cancel();
        await Task.WhenAll(evaluators);

        Assert.Empty(failures);
        Assert.True(seen.ContainsKey("1.0.0") && seen.ContainsKey("1.1.0"), "both versions must have served evaluations");
    }
}
