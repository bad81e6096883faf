using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Debugger.Inspection;

/// <summary>
/// The Variables view of a stop: the scenario's patient (each observation as charted and converted to its declared unit),
/// the rule with the values it read (aggregates with their windows) and the three-valued result of its condition and
/// every part, and the decision so far. Children are listed when the client expands them.
/// </summary>
public sealed class FrameInspector(ProtocolCompilation compilation, ProtocolInfo info, VariableStore store)
{
    public IReadOnlyList<DapScope> Scopes(StepPoint frame, StepPoint current, ScenarioRun run)
    {
        var scopes = new List<DapScope>();
        if (frame.Kind == StepKind.Condition && frame.Node is { } node)
        {
            scopes.Add(new DapScope("Condition", store.Add(() => Condition(node, frame.Rule, run)), PresentationHint: "locals"));
        }

        if (frame.Kind != StepKind.Scenario)
        {
            scopes.Add(new DapScope("Rule", store.Add(() => Rule(frame.Rule, run)), PresentationHint: frame.Kind == StepKind.Rule ? "locals" : null));
        }
        scopes.Add(new DapScope("Scenario", store.Add(() => Scenario(run)), PresentationHint: frame.Kind == StepKind.Scenario ? "locals" : null));
        scopes.Add(new DapScope("Decision so far", store.Add(() => DecisionSoFar(current, run))));
        return scopes;
    }

    // ------------------------------------------------------------------ scenario

    private List<DapVariable> Scenario(ScenarioRun run)
    {
        var scenario = run.Scenario;
        var snapshot = run.Snapshot;
        var charted = info.Observations.Where(o => snapshot.Series(o.Index).Count > 0 || snapshot.Series(o.Index).Refused > 0).ToList();
        var list = new List<DapVariable>
        {
            Leaf("scenario", scenario.Title),
            Leaf("expect", Expected(scenario)),
            Leaf("weight", double.IsNaN(snapshot.Weight) ? "not recorded" : $"{ValueText.Number(snapshot.Weight / 1000)} kg"),
            new("observations", $"{charted.Count} charted", store.Add(() => [.. charted.Select(o => Observation(o, run))])),
            Leaf("doses", Doses(snapshot)),
        };
        if (!run.Record.Events.IsDefaultOrEmpty)
        {
            list.Add(new DapVariable("events", $"{run.Record.Events.Length}", store.Add(() => [.. run.Record.Events.Select(e => Leaf(e.Type, ValueText.Time(e.At)))])));
        }
        return list;
    }

    private static string Doses(PatientSnapshot snapshot)
    {
        var text = $"{snapshot.DosesGiven} given, {snapshot.DosesHeld} held";
        return snapshot.LastGivenDose is { } last ? $"{text}; last given {ValueText.Time(last)}" : text;
    }

    /// <summary>An observation as the engine sees it: the latest value that counts, then every charted value.</summary>
    public DapVariable Observation(ObservationInfo observation, ScenarioRun run)
    {
        var snapshot = run.Snapshot;
        var series = snapshot.Series(observation.Index);
        var latest = snapshot.Latest(observation.Index);
        string value;
        if (series.Count == 0)
        {
            value = series.Refused > 0 ? $"no value: {series.Refused} refused as data errors" : "not charted";
        }
        else if (double.IsNaN(latest))
        {
            value = $"no value within {ValueText.Duration(observation.RecencySeconds)} (the latest is older)";
        }
        else
        {
            value = Point(observation, run, series.Count - 1);
        }

        return new DapVariable(observation.Name, value, store.Add(() =>
        {
            var children = new List<DapVariable>();
            if (!observation.IsYesNo && observation.Unit is { } unit)
            {
                children.Add(Leaf("declared unit", unit));
            }
            children.Add(Leaf("within", ValueText.Duration(observation.RecencySeconds)));
            for (var i = series.Count - 1; i >= 0; i--)
            {
                children.Add(ChartedValue(observation, run, i));
            }

            if (series.Refused > 0)
            {
                children.Add(Leaf("refused", $"{series.Refused} value(s) outside the declared range or unreadable: a data error holds the dose"));
            }
            return children;
        }), EvaluateName: observation.Name);
    }

    private DapVariable ChartedValue(ObservationInfo observation, ScenarioRun run, int i)
    {
        var series = run.Snapshot.Series(observation.Index);
        var at = new DateTimeOffset(series.Ticks[i], TimeSpan.Zero);
        var counts = run.Snapshot.AgeSeconds(series.Ticks[i]) <= observation.RecencySeconds;
        var text = Point(observation, run, i) + (counts ? "" : $"; older than {ValueText.Duration(observation.RecencySeconds)}: does not count");
        var canonical = series.Values[i];
        var charted = series.ChartedAt(i);
        var declared = observation.IsYesNo ? (canonical != 0 ? "yes" : "no") : Declared(observation, canonical);
        return new DapVariable($"[{series.Count - 1 - i}]", text, store.Add(() =>
        [
            Leaf("charted", charted is { } c ? $"{ValueText.Number(c.Value)} {c.Unit}" : declared),
            Leaf("converted", declared),
            Leaf("time", ValueText.Time(at)),
            Leaf("counts", counts ? "yes" : $"no: older than {ValueText.Duration(observation.RecencySeconds)}"),
        ]));
    }

    private static string Point(ObservationInfo observation, ScenarioRun run, int i)
    {
        var series = run.Snapshot.Series(observation.Index);
        var at = new DateTimeOffset(series.Ticks[i], TimeSpan.Zero);
        var canonical = series.Values[i];
        if (observation.IsYesNo)
        {
            return $"{(canonical != 0 ? "yes" : "no")}, {ValueText.Time(at)}";
        }

        var charted = series.ChartedAt(i) is { } c ? $" (charted {ValueText.Number(c.Value)} {c.Unit})" : "";
        return $"{Declared(observation, canonical)}{charted}, {ValueText.Time(at)}";
    }

    private static string Declared(ObservationInfo observation, double canonical) =>
        ValueText.ToDeclared(observation, canonical) is { } declared ? $"{ValueText.Number(declared)} {observation.Unit}" : ValueText.Number(canonical);

    // ------------------------------------------------------------------ rule

    private List<DapVariable> Rule(int index, ScenarioRun run)
    {
        var rule = compilation.Protocol.Rules[index];
        var trace = run.Traces[index];
        var list = new List<DapVariable>
        {
            Leaf("rule", $"{rule.Name}: {rule.Title}"),
            Leaf("action", rule.Action.ToString().ToLowerInvariant()),
            Leaf("when", trace.Condition),
            Leaf("value", $"{ValueText.Truth(trace.Value)}{(trace.Value == Truth.Unknown ? " (data missing: the dose is held unless the data is optional)" : "")}"),
            new("inputs", $"{trace.Values.Length}", store.Add(() => Inputs(index, run))),
            ConditionVariable("conditions", rule.Condition, index, run),
        };
        if (rule.ProtocolId != compilation.Protocol.Id)
        {
            list.Add(Leaf("inherited from", rule.ProtocolId));
        }
        return list;
    }

    private List<DapVariable> Inputs(int rule, ScenarioRun run)
    {
        var inputs = info.Rules[rule].Inputs;
        var values = run.Traces[rule].Values;
        return [.. values.Select((v, j) => Input(v, j < inputs.Length ? inputs[j] : null))];
    }

    /// <summary>A value a rule read, with where it comes from: the window of an aggregate, the recency of a latest value.</summary>
    public DapVariable Input(SeenValue value, RuleInputInfo? input) => new(value.Input, ValueText.Seen(value), store.Add(() =>
    {
        var children = new List<DapVariable>();
        if (value.Flag is { } flag)
        {
            children.Add(Leaf("value", flag ? "yes" : "no"));
        }
        else
        {
            children.Add(Leaf("value", value.Value is { } v ? ValueText.Number(v) : "no value"));
            if (value.Unit is { Length: > 0 } unit)
            {
                children.Add(Leaf("unit", unit));
            }
        }

        if (value.ChartedValue is { } charted && value.ChartedUnit is { } chartedUnit)
        {
            children.Add(Leaf("charted", $"{ValueText.Number(charted)} {chartedUnit}"));
        }

        if (input is { Kind: InputKind.Aggregate })
        {
            children.Add(Leaf("window", $"last {ValueText.Duration(input.WindowSeconds)}"));
        }
        else if (input is { Kind: InputKind.Latest or InputKind.Baseline } && input.Index >= 0 && input.Index < info.Observations.Length)
        {
            children.Add(Leaf("within", ValueText.Duration(info.Observations[input.Index].RecencySeconds)));
        }

        if (value.Count is { } count)
        {
            children.Add(Leaf("values", $"{count}"));
        }

        if (value.At is { } at)
        {
            children.Add(Leaf("time", ValueText.Time(at)));
        }
        return children;
    }), EvaluateName: value.Input);

    // ------------------------------------------------------------------ conditions

    private DapVariable ConditionVariable(string name, BoundExpression node, int rule, ScenarioRun run)
    {
        var parts = ScenarioProgram.Parts(node).ToList();
        var value = $"{ValueText.Truth(run.Value(node))}: {BoundExpressionPrinter.Print(node)}";
        return new DapVariable(name, value, parts.Count == 0 ? 0 : store.Add(() => [.. parts.Select(p => ConditionVariable(BoundExpressionPrinter.Print(p), p, rule, run))]));
    }

    private List<DapVariable> Condition(BoundExpression node, int rule, ScenarioRun run)
    {
        var list = new List<DapVariable>
        {
            Leaf("condition", BoundExpressionPrinter.Print(node)),
            Leaf("value", ValueText.Truth(run.Value(node))),
        };
        switch (node)
        {
            case BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } logical:
                list.Add(ConditionVariable(logical.Kind == BinaryOperator.And ? "and: left" : "or: left", logical.Left, rule, run));
                list.Add(ConditionVariable(logical.Kind == BinaryOperator.And ? "and: right" : "or: right", logical.Right, rule, run));
                break;
            case BoundBinary comparison when comparison.Kind.IsComparison():
                list.Add(Operand("left", comparison.Left, rule, run));
                list.Add(Operand("right", comparison.Right, rule, run));
                break;
            case BoundNot not:
                list.Add(ConditionVariable("not", not.Operand, rule, run));
                break;
            case BoundIsFlag flag:
                list.Add(Operand("operand", flag.Operand, rule, run));
                break;
            case BoundAtLeast atLeast when !atLeast.Members.IsDefault:
                var members = compilation.Protocol.Rules.Select((r, i) => (r, i)).Where(p => atLeast.Members.Contains(p.r.Condition)).ToList();
                list.Add(new DapVariable($"members of {atLeast.Group}", $"{members.Count(m => run.Traces[m.i].Value == Truth.True)} of {members.Count} true, at least {atLeast.Count} needed",
                    store.Add(() => [.. members.Select(m => Leaf(m.r.Name, ValueText.Truth(run.Traces[m.i].Value)))])));
                break;
            default:
                break;
        }
        return list;
    }

    /// <summary>A side of a comparison: a value the rule read, a constant, a literal, or an expression over inputs.</summary>
    private DapVariable Operand(string name, BoundExpression node, int rule, ScenarioRun run)
    {
        var printed = BoundExpressionPrinter.Print(node);
        var inputs = info.Rules[rule].Inputs;
        var values = run.Traces[rule].Values;
        var j = -1;
        for (var k = 0; k < values.Length && j < 0; k++)
        {
            j = values[k].Input == printed ? k : -1;
        }
        if (j >= 0)
        {
            var input = Input(values[j], j < inputs.Length ? inputs[j] : null);
            return input with { Name = $"{name}: {printed}" };
        }

        switch (node)
        {
            case BoundQuantityLiteral or BoundFlagLiteral:
                return Leaf(name, printed);
            case BoundConstantReference constant:
                return Leaf($"{name}: {printed}", constant.Constant.Value is { } v ? BoundExpressionPrinter.Print(v) : "no value");
            default:
                // An expression over inputs (4 mL/kg x weight): the values that went into it.
                var used = values.Select((v, k) => (v, k)).Where(p => printed.Contains(p.v.Input, StringComparison.Ordinal)).ToList();
                return new DapVariable(name, printed, used.Count == 0 ? 0 : store.Add(() => [.. used.Select(p => Input(p.v, p.k < inputs.Length ? inputs[p.k] : null))]));
        }
    }

    // ------------------------------------------------------------------ decision

    private List<DapVariable> DecisionSoFar(StepPoint current, ScenarioRun run)
    {
        var evaluated = current.Kind == StepKind.Scenario ? 0 : current.Rule;
        var rules = compilation.Protocol.Rules;
        var fired = Enumerable.Range(0, evaluated).Where(i => run.Traces[i].Value == Truth.True).ToList();
        var unknown = Enumerable.Range(0, evaluated).Where(i => run.Traces[i].Value == Truth.Unknown).ToList();
        string soFar;
        if (evaluated == 0)
        {
            soFar = "no rule evaluated yet";
        }
        else if (fired.Any(i => rules[i].Action == Dsl.Syntax.RuleAction.Discontinue))
        {
            soFar = $"discontinue: {string.Join(", ", fired.Where(i => rules[i].Action == Dsl.Syntax.RuleAction.Discontinue).Select(i => rules[i].Name))}";
        }
        else if (fired.Count > 0)
        {
            soFar = $"hold: {string.Join(", ", fired.Select(i => rules[i].Name))}";
        }
        else if (unknown.Count > 0)
        {
            soFar = $"hold unless the data is optional: {string.Join(", ", unknown.Select(i => rules[i].Name))} unknown";
        }
        else
        {
            soFar = "no rule has fired yet";
        }

        return
        [
            Leaf("so far", soFar),
            Leaf("rules evaluated", $"{evaluated} of {rules.Length}"),
            new("fired", $"{fired.Count}", fired.Count == 0 ? 0 : store.Add(() => [.. fired.Select(i => Leaf(rules[i].Name, $"{rules[i].Action.ToString().ToLowerInvariant()}: {run.Traces[i].Condition}"))])),
            new("unknown", $"{unknown.Count}", unknown.Count == 0 ? 0 : store.Add(() => [.. unknown.Select(i => Leaf(rules[i].Name, run.Traces[i].Condition))])),
            Leaf("expect", Expected(run.Scenario)),
            Leaf("note", "the decision is made after the last rule: the course criteria and the schedule can still hold or stop the dose"),
        ];
    }

    public static string Expected(BoundScenario scenario)
    {
        if (scenario.ExpectedAction is not { } action)
        {
            return "nothing";
        }

        var text = action.ToString().ToLowerInvariant();
        return scenario.ExpectedRules is { } rules ? $"{text} because {string.Join(", ", rules.Select(r => r.Name))}" : text;
    }

    private static DapVariable Leaf(string name, string value) => new(name, value, 0);
}
