using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;

namespace IlTwo.Debugger.Stepping;

/// <summary>
/// The places of a debug session in the order the decision is made: for each scenario, its start, then each rule of the
/// protocol in rule order (inherited rules included, as the engine evaluates them) and, under each rule, its condition
/// and the condition's parts depth first.
/// </summary>
public sealed class ScenarioProgram
{
    private ScenarioProgram(ImmutableArray<BoundScenario> scenarios, ImmutableArray<StepPoint> points)
    {
        Scenarios = scenarios;
        Points = points;
    }

    public ImmutableArray<BoundScenario> Scenarios { get; }

    public ImmutableArray<StepPoint> Points { get; }

    public static ScenarioProgram Create(ProtocolCompilation compilation, ImmutableArray<BoundScenario> scenarios)
    {
        var points = ImmutableArray.CreateBuilder<StepPoint>();
        var rules = compilation.Protocol.Rules;
        for (var s = 0; s < scenarios.Length; s++)
        {
            var scenario = scenarios[s];
            var entry = new StepPoint(StepKind.Scenario, s, -1, null, 0, compilation.Text, ScenarioSpan(scenario), null);
            points.Add(entry);
            for (var r = 0; r < rules.Length; r++)
            {
                var rule = rules[r];
                var source = rule.Location.Source;
                var rulePoint = new StepPoint(StepKind.Rule, s, r, null, 1, source, HeaderSpan(rule), entry);
                points.Add(rulePoint);
                AddCondition(points, rule.Condition, rulePoint, rule);
            }
        }
        return new ScenarioProgram(scenarios, points.ToImmutable());
    }

    /// <summary>The scenario's first line: its keyword to the end of its title.</summary>
    public static Dsl.Text.TextSpan ScenarioSpan(BoundScenario scenario) =>
        Dsl.Text.TextSpan.FromBounds(scenario.Syntax.KeywordSpan.Start, (scenario.Syntax.Title?.Span ?? scenario.Syntax.KeywordSpan).End);

    /// <summary>The rule's first line: <c>hold rule NAME "title"</c>.</summary>
    public static Dsl.Text.TextSpan HeaderSpan(RuleSymbol rule) =>
        Dsl.Text.TextSpan.FromBounds(rule.Syntax.Span.Start, Math.Max(rule.Location.Span.End, (rule.Syntax.Title?.Span ?? rule.Location.Span).End));

    /// <summary>A condition is a stop; so is each side of <c>and</c>/<c>or</c> and what <c>not</c> negates. A comparison is a leaf.</summary>
    private static void AddCondition(ImmutableArray<StepPoint>.Builder points, BoundExpression node, StepPoint parent, RuleSymbol rule)
    {
        var point = new StepPoint(StepKind.Condition, parent.Scenario, parent.Rule, node, parent.Depth + 1, rule.Location.Source, node.Syntax?.Span ?? parent.Span, parent);
        points.Add(point);
        foreach (var part in Parts(node))
        {
            AddCondition(points, part, point, rule);
        }
    }

    public static IEnumerable<BoundExpression> Parts(BoundExpression node) => node switch
    {
        BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } b => [b.Left, b.Right],
        BoundNot n => [n.Operand],
        _ => [],
    };
}
