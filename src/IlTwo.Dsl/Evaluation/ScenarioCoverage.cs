using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Dsl.Evaluation;

/// <summary>A comparison in a rule and which of its outcomes the scenarios produced.</summary>
public sealed record ThresholdCoverage(RuleSymbol Rule, string Comparison, SourceText Source, TextSpan Span, bool SeenTrue, bool SeenFalse)
{
    public bool BothSides => SeenTrue && SeenFalse;
}

/// <summary>
/// Coverage as a reviewer means it: which rules no scenario fires, and which thresholds were tested on one side only.
/// A protocol answers for every rule it runs, inherited ones included, and is measured with every scenario that runs
/// against it: its own and its base protocols' (<see cref="BoundProtocol.AllScenarios"/>). An inherited rule is covered
/// only by a scenario run against this protocol, not by the base's scenarios run against the base.
/// </summary>
public sealed record CoverageReport(ImmutableArray<RuleSymbol> RulesNeverFired, ImmutableArray<ThresholdCoverage> Thresholds)
{
    public IEnumerable<ThresholdCoverage> OneSided => Thresholds.Where(t => !t.BothSides);

    public static CoverageReport Measure(ProtocolCompilation compilation)
    {
        var protocol = compilation.Protocol;
        var interpreter = new ProtocolInterpreter(compilation);
        var outcomes = new Dictionary<BoundBinary, (bool True, bool False)>();
        var fired = new HashSet<string>(StringComparer.Ordinal);

        var rules = protocol.Rules.ToList();
        foreach (var scenario in protocol.AllScenarios)
        {
            var record = ScenarioRunner.ToRecord(scenario, ScenarioRunner.Now);
            var snapshot = PatientSnapshot.Create(interpreter.Info, record, ScenarioRunner.Now).Snapshot;
            // A rule the course layer puts in the decision (a stop at an earlier slot, an unresolved hold) fired too.
            foreach (var rule in ProtocolEvaluator.Evaluate(interpreter, record, ScenarioRunner.Now).Rules)
            {
                fired.Add(rule.Id);
            }

            foreach (var rule in rules)
            {
                foreach (var comparison in Comparisons(rule.Condition))
                {
                    var truth = interpreter.EvaluateCondition(comparison, snapshot);
                    outcomes.TryGetValue(comparison, out var seen);
                    outcomes[comparison] = (seen.True || truth == Truth.True, seen.False || truth == Truth.False);
                }
                if (interpreter.EvaluateCondition(rule.Condition, snapshot) == Truth.True)
                {
                    fired.Add(rule.Name);
                }
            }
        }

        var thresholds = rules
            .SelectMany(rule => Comparisons(rule.Condition).Select(c => (rule, c)))
            .Select(p =>
            {
                outcomes.TryGetValue(p.c, out var seen);
                return new ThresholdCoverage(p.rule, BoundExpressionPrinter.Print(p.c), p.rule.Location.Source, p.c.Syntax?.Span ?? p.rule.Location.Span, seen.True, seen.False);
            })
            .ToImmutableArray();
        return new CoverageReport([.. rules.Where(r => !fired.Contains(r.Name))], thresholds);
    }

    private static IEnumerable<BoundBinary> Comparisons(BoundExpression expression) => expression switch
    {
        BoundBinary b when b.Kind.IsComparison() => [b],
        BoundBinary b => Comparisons(b.Left).Concat(Comparisons(b.Right)),
        BoundNot n => Comparisons(n.Operand),
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => [],
        },
    };
}
