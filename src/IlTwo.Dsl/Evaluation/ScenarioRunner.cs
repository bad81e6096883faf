using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
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

/// <summary>How a base protocol's scenario fares against the protocol that extends it.</summary>
public enum InheritedOutcome
{
    /// <summary>The extension decides what the base scenario expects.</summary>
    Unchanged,

    /// <summary>
    /// The extension decides more strictly: a hold or a stop where the base expects a give, a stop where it expects a
    /// hold, or the same action with every expected rule and more. Expected of an extension that adds criteria.
    /// </summary>
    Stricter,

    /// <summary>Anything else (a looser action, or an expected rule that no longer fires): a failure unless overridden.</summary>
    Changed,
}

/// <summary>A scenario of a base protocol run against the extension, where it is declared, and how its outcome changed.</summary>
public sealed record InheritedScenarioResult(
    BoundScenario Scenario, InheritedOutcome Outcome, string Expected, string Actual, SourceText Source, TextSpan Span, DoseDecision Decision)
{
    public bool Passed => Outcome != InheritedOutcome.Changed;

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

    /// <summary>
    /// The scenarios of the protocols <paramref name="compilation"/> extends, run against it (the ones it overrides are
    /// left out: its <c>override scenario</c> runs among its own scenarios instead).
    /// </summary>
    public static ImmutableArray<InheritedScenarioResult> RunInherited(ProtocolCompilation compilation, ProtocolRules rules)
    {
        var sources = compilation.Chain.ToDictionary(c => c.Protocol.Id, c => c.Text, StringComparer.Ordinal);
        return [.. compilation.Protocol.InheritedScenarios.Select(scenario =>
        {
            var decision = ProtocolEvaluator.Evaluate(rules, ToRecord(scenario, Now), Now);
            var source = sources.TryGetValue(scenario.ProtocolId, out var text) ? text : compilation.Text;
            var span = scenario.Syntax.Title?.Span ?? scenario.Syntax.KeywordSpan;
            return new InheritedScenarioResult(scenario, Classify(scenario, decision), ExpectedText(scenario), ActualText(decision), source, span, decision);
        })];
    }

    /// <summary>How the decision compares with what the (base) scenario expects.</summary>
    public static InheritedOutcome Classify(BoundScenario scenario, DoseDecision decision)
    {
        if (scenario.ExpectedAction is not { } expectedAction)
        {
            return InheritedOutcome.Changed;
        }

        var expected = Rank(expectedAction);
        var actual = decision.Action switch
        {
            DoseAction.Give => 0,
            DoseAction.Hold => 1,
            _ => 2,
        };
        var fired = decision.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var expectedRules = scenario.ExpectedRules?.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (actual > expected)
        {
            return InheritedOutcome.Stricter;
        }

        if (actual < expected)
        {
            return InheritedOutcome.Changed;
        }

        if (expectedRules is null || expectedRules.SetEquals(fired))
        {
            return InheritedOutcome.Unchanged;
        }

        // The same action for every reason the base expects and more is stricter; a missing reason is a change.
        return expectedRules.IsSubsetOf(fired) ? InheritedOutcome.Stricter : InheritedOutcome.Changed;
    }

    private static int Rank(ExpectedAction action) => action switch
    {
        ExpectedAction.Give => 0,
        ExpectedAction.Hold => 1,
        _ => 2,
    };

    private static string ExpectedText(BoundScenario scenario)
    {
        if (scenario.ExpectedAction is not { } expectedAction)
        {
            return "nothing";
        }

        var expected = expectedAction.ToString().ToLowerInvariant();
        return scenario.ExpectedRules is { } rules ? $"{expected} because {string.Join(", ", rules.Select(r => r.Name))}" : expected;
    }

    private static string ActualText(DoseDecision decision)
    {
        var actual = decision.Action.ToString().ToLowerInvariant();
        var fired = decision.Rules.Select(r => r.Id).ToList();
        return fired.Count == 0 ? actual : $"{actual} because {string.Join(", ", fired)}";
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
