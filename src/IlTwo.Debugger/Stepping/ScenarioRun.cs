using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Debugger.Stepping;

/// <summary>
/// One scenario evaluated once, as <c>il2 test</c> evaluates it: the record laid out before <see cref="ScenarioRunner.Now"/>,
/// each rule's own value with the values it read, and the engine's decision. The debugger shows these; stepping only
/// chooses which part to show, so the decision at the end is the one the scenario runner gives.
/// </summary>
public sealed class ScenarioRun
{
    private readonly ProtocolInterpreter _interpreter;

    public ScenarioRun(ProtocolCompilation compilation, ProtocolInterpreter interpreter, BoundScenario scenario)
    {
        _interpreter = interpreter;
        Scenario = scenario;
        Record = ScenarioRunner.ToRecord(scenario, ScenarioRunner.Now);
        Snapshot = PatientSnapshot.Create(interpreter.Info, Record, ScenarioRunner.Now).Snapshot;
        Traces = RuleTrace.All(interpreter, Record, ScenarioRunner.Now);
        Result = ScenarioRunner.Run(compilation, scenario, interpreter);
    }

    public BoundScenario Scenario { get; }

    public PatientRecord Record { get; }

    public PatientSnapshot Snapshot { get; }

    /// <summary>Each rule's own value (before the course criteria and the schedule), in rule order.</summary>
    public ImmutableArray<RuleTrace> Traces { get; }

    /// <summary>The decision and whether it is what the scenario expects.</summary>
    public ScenarioResult Result { get; }

    /// <summary>Three-valued: a condition or any part of one, on this scenario's patient.</summary>
    public Truth Value(BoundExpression condition) => _interpreter.EvaluateCondition(condition, Snapshot);

    public ScenarioDecisionText Decision => new(Result);
}

/// <summary>The decision in the words of <c>il2 test</c>: <c>hold because sbp-below-90</c>.</summary>
public sealed record ScenarioDecisionText(ScenarioResult Result)
{
    public string Action => Result.Decision.Action.ToString().ToLowerInvariant();

    public ImmutableArray<string> Rules => [.. Result.Decision.Rules.Select(r => r.Id)];

    public override string ToString() => Rules.IsEmpty ? Action : $"{Action} because {string.Join(", ", Rules)}";
}
