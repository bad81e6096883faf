using System.Text.Json;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Runtime.Tests.Engine;

public sealed class DecisionJsonTests
{
    private static DoseDecision Decide(string scenario)
    {
        var (patient, at) = ProtocolEvaluatorTests.Scenarios[scenario];
        return ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), at);
    }

    [Theory]
    [InlineData("normal", "give")]
    [InlineData("sbp 84", "hold")]
    [InlineData("creatinine 3.5", "discontinue")]
    public void Json_has_the_documented_fields(string scenario, string action)
    {
        var decision = Decide(scenario);
        using var json = JsonDocument.Parse(DoseDecisionJson.Serialize(decision, indented: true));
        var root = json.RootElement;

        Assert.Equal(action, root.GetProperty("action").GetString());
        foreach (var name in new[] { "rules", "missing", "schedule", "dataErrors" })
        {
            Assert.Equal(JsonValueKind.Array, root.GetProperty(name).ValueKind);
        }

        Assert.Equal(decision.DoseNumber, root.GetProperty("doseNumber").GetInt32());
        Assert.Equal(decision.DosesGiven, root.GetProperty("dosesGiven").GetInt32());
        Assert.Equal(decision.DosesRemaining, root.GetProperty("dosesRemaining").GetInt32());
        Assert.Equal(decision.Summary, root.GetProperty("summary").GetString());
        var protocol = root.GetProperty("protocol");
        Assert.Equal(("test-protocol", "1.2.0", "abc123"),
            (protocol.GetProperty("id").GetString(), protocol.GetProperty("version").GetString(), protocol.GetProperty("sourceHash").GetString()));
        var next = root.GetProperty("nextDoseAt");
        Assert.Equal(decision.NextDoseAt, next.ValueKind == JsonValueKind.Null ? null : next.GetDateTimeOffset());
    }

    [Fact]
    public void Json_rules_carry_condition_citations_and_values()
    {
        using var json = JsonDocument.Parse(DoseDecisionJson.Serialize(Decide("sbp 84"), indented: false));
        var rule = Assert.Single(json.RootElement.GetProperty("rules").EnumerateArray().ToList());

        Assert.Equal("sbp-low", rule.GetProperty("id").GetString());
        Assert.Equal("Systolic BP below 90 mm[Hg]", rule.GetProperty("title").GetString());
        Assert.Equal("hold", rule.GetProperty("action").GetString());
        Assert.Equal("sbp < 90 mm[Hg]", rule.GetProperty("condition").GetString());
        Assert.Equal("proleukin-pi", rule.GetProperty("citations")[0].GetProperty("reference").GetString());
        var value = rule.GetProperty("values")[0];
        Assert.Equal("sbp", value.GetProperty("input").GetString());
        Assert.Equal(84, value.GetProperty("value").GetDouble(), 9);
        Assert.Equal("mm[Hg]", value.GetProperty("unit").GetString());
        Assert.Equal("2026-03-03T05:00:00Z", value.GetProperty("at").GetString());
    }

    [Fact]
    public void Json_is_deterministic()
    {
        Assert.Equal(DoseDecisionJson.Serialize(Decide("everything fires")), DoseDecisionJson.Serialize(Decide("everything fires")));
    }

    [Fact]
    public void Decision_log_writes_one_json_line_per_decision()
    {
        using var text = new StringWriter();
        var log = new DecisionLog(text);
        var scenarios = new[] { "normal", "sbp 84", "creatinine 3.5", "stale sbp", "extra sbp in kg" };
        foreach (var scenario in scenarios)
        {
            var (patient, at) = ProtocolEvaluatorTests.Scenarios[scenario];
            ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), at, log);
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(scenarios.Length, lines.Length);
        var parsed = lines.Select(l => JsonDocument.Parse(l)).ToList();
        try
        {
            Assert.Equal(["give", "hold", "discontinue", "hold", "hold"], parsed.Select(p => p.RootElement.GetProperty("action").GetString()));
            Assert.All(parsed, p => Assert.Equal("p1", p.RootElement.GetProperty("patientId").GetString()));
            Assert.All(parsed, p => Assert.Equal("2026-03-03T06:00:00Z", p.RootElement.GetProperty("at").GetString()));
            Assert.All(parsed, p => Assert.Equal("abc123", p.RootElement.GetProperty("protocol").GetProperty("sourceHash").GetString()));
            Assert.Equal("sbp-low", parsed[1].RootElement.GetProperty("rules")[0].GetString());
            var missing = parsed[3].RootElement.GetProperty("missing")[0];
            Assert.Equal("latest value 120 mmHg at 01:00 is 5 h old; must be within 4 h", missing.GetProperty("reason").GetString());
            Assert.Equal(1, parsed[4].RootElement.GetProperty("dataErrors").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, parsed[2].RootElement.GetProperty("nextDoseAt").ValueKind);
            Assert.Equal("2026-03-03T14:00:00Z", parsed[1].RootElement.GetProperty("nextDoseAt").GetString());
        }
        finally
        {
            parsed.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void Decision_log_lines_stay_whole_under_concurrency()
    {
        using var text = new StringWriter();
        var log = new DecisionLog(text);
        var record = ProtocolEvaluatorTests.Scenarios["everything fires"].Patient.Build();
        Parallel.For(0, 400, _ => ProtocolEvaluator.Evaluate(TestProtocol.Instance, record, Patient.CheckAt, log));

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(400, lines.Length);
        Assert.All(lines, l =>
        {
            using var doc = JsonDocument.Parse(l);
            Assert.Equal("discontinue", doc.RootElement.GetProperty("action").GetString());
        });
    }
}
