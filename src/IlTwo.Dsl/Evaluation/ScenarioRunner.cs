using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Evaluation;

/// <summary>The outcome of one scenario: where it is, whether it passed, and the engine's decision.</summary>
public sealed record ScenarioResult(string Title, bool Passed, string Message, SourceText Source, TextSpan Span, DoseDecision Decision)
{
    public LinePosition Start => Source.GetLinePosition(Span.Start);
}

/// <summary>
/// Runs a protocol's scenarios through the engine, with either the interpreter or the compiled rules. A scenario's
/// times are relative ("2 h ago"); they are laid out before a fixed moment so every run sees the same record.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The moment every scenario is evaluated at.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static ImmutableArray<ScenarioResult> Run(ProtocolCompilation compilation, ProtocolRules rules) =>
        [.. compilation.Protocol.Scenarios.Select(s => Run(compilation, s, rules))];

    public static ScenarioResult Run(ProtocolCompilation compilation, BoundScenario scenario, ProtocolRules rules)
    {
        var decision = ProtocolEvaluator.Evaluate(rules, ToRecord(scenario, Now), Now);
        var (passed, message) = Compare(scenario, decision);
        var span = scenario.Syntax.Title?.Span ?? scenario.Syntax.KeywordSpan;
        return new ScenarioResult(scenario.Title, passed, message, compilation.Text, span, decision);
    }

    public static PatientRecord ToRecord(BoundScenario scenario, DateTimeOffset now)
    {
        DateTimeOffset Ago(double seconds) => now.AddTicks(-(long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return new PatientRecord(
            "scenario",
            scenario.Weight is { } w ? new MeasuredValue(w.Value, w.Unit) : null,
            [.. scenario.Events.Select(e => new RecordedEvent(e.Type, Ago(e.AgoSeconds)))],
            [.. scenario.Doses.Select(d => new RecordedDose(Ago(d.AgoSeconds), d.Given ? DoseStatus.Given : DoseStatus.Held))],
            [.. scenario.Observations.Select(o => o.Flag is { } flag
                ? RecordedObservation.YesNo(o.Observation.Name, Ago(o.AgoSeconds), flag)
                : RecordedObservation.Numeric(o.Observation.Name, Ago(o.AgoSeconds), o.Value!.Value, o.Unit!))]);
    }

    private static (bool Passed, string Message) Compare(BoundScenario scenario, DoseDecision decision)
    {
        var actual = decision.Action.ToString().ToLowerInvariant();
        var fired = decision.Rules.Select(r => r.Id).ToList();
        var got = fired.Count == 0 ? actual : $"{actual} because {string.Join(", ", fired)}";
        if (scenario.ExpectedAction is not { } expectedAction)
        {
            return (false, "the scenario has no expectation");
        }

        var expected = expectedAction.ToString().ToLowerInvariant();
        var expectedText = scenario.ExpectedRules is { } rules ? $"{expected} because {string.Join(", ", rules.Select(r => r.Name))}" : expected;
        var actionMatches = expected == actual;
        var rulesMatch = scenario.ExpectedRules is not { } expectedRules || expectedRules.Select(r => r.Name).ToHashSet().SetEquals(fired);
        return actionMatches && rulesMatch
            ? (true, $"{got}")
            : (false, $"expected {expectedText}, got {got}: {decision.Summary}");
    }
}
