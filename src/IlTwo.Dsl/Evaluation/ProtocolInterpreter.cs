using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Evaluation;

/// <summary>
/// Evaluates a bound protocol's rules by walking its bound trees: no emit, no Roslyn. The language server uses it to
/// run scenarios as the author types, and it is the independent second path the compiled code is tested against.
/// </summary>
public sealed class ProtocolInterpreter : ProtocolRules
{
    private readonly BoundExpression[] _conditions;
    private readonly (int Slot, BoundExpression Condition)[] _extra;

    private readonly Dictionary<ObservationSymbol, int> _observations;
    private readonly Dictionary<EventSymbol, int> _events;

    public ProtocolInterpreter(ProtocolCompilation compilation)
    {
        Info = ProtocolInfoBuilder.Build(compilation);
        var protocol = compilation.Protocol;
        _conditions = [.. protocol.Rules.Select(r => r.Condition)];
        var slots = ConditionSlots.For(protocol);
        _extra = [.. slots.Until.Select(p => (p.Value, protocol.Rules[p.Key].Until!)).Concat(slots.Correction.Select(p => (p.Value, protocol.Rules[p.Key].Correction!))).OrderBy(p => p.Item1)];

        _observations = protocol.Observations.Select((o, i) => (o, i)).ToDictionary(p => p.o, p => p.i);
        _events = protocol.Events.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
    }

    public override ProtocolInfo Info { get; }

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
    {
        for (var i = 0; i < _conditions.Length; i++)
        {
            results[i] = Logic.ToTruth(Evaluate(_conditions[i], snapshot));
        }

        foreach (var (slot, condition) in _extra)
        {
            if (slot < results.Length)
            {
                results[slot] = Logic.ToTruth(Evaluate(condition, snapshot));
            }
        }
    }

    /// <summary>Only what the course reads at an earlier point (<see cref="CourseAssessment.PastPointSlots"/>), as the compiled code does.</summary>
    public override void EvaluatePastPoint(PatientSnapshot snapshot, Span<Truth> results)
    {
        foreach (var slot in CourseAssessment.PastPointSlots(Info))
        {
            if (slot < _conditions.Length)
            {
                results[slot] = Logic.ToTruth(Evaluate(_conditions[slot], snapshot));
            }
        }

        foreach (var (slot, condition) in _extra)
        {
            if (slot < results.Length)
            {
                results[slot] = Logic.ToTruth(Evaluate(condition, snapshot));
            }
        }
    }

    /// <summary>The truth of any bound condition of this protocol (used by coverage).</summary>
    public Truth EvaluateCondition(BoundExpression condition, PatientSnapshot snapshot) => Logic.ToTruth(Evaluate(condition, snapshot));

    /// <summary>Numbers in canonical units; yes/no as 1/0; NaN for unknown.</summary>
    private double Evaluate(BoundExpression expression, PatientSnapshot s) => expression switch
    {
        BoundQuantityLiteral l => l.Value,
        BoundFlagLiteral f => f.Value ? 1 : 0,
        BoundConstantReference c => c.Constant.Value is { } v ? Evaluate(v, s) : double.NaN,
        BoundObservationValue o => s.Latest(_observations[o.Observation]),
        BoundAggregate a => Aggregate(a, s),
        BoundBaseline b => s.Baseline(_observations[b.Observation]),
        BoundWeight => s.Weight,
        BoundDoses d => d.Held ? s.DosesHeld : s.DosesGiven,
        BoundTimeSince t => t.Kind switch
        {
            Syntax.TimeSinceKind.LastDose => s.TimeSinceLastDose(),
            Syntax.TimeSinceKind.FirstDose => s.TimeSinceFirstDose(),
            _ => s.TimeSinceEvent(_events[t.Event!]),
        },
        BoundNot n => Logic.FromTruth(Logic.Not(Logic.ToTruth(Evaluate(n.Operand, s)))),
        BoundNegate n => -Evaluate(n.Operand, s),
        BoundIsFlag f => Logic.FromTruth(Logic.Is(Evaluate(f.Operand, s), f.Expected)),
        BoundBinary b => Binary(b, s),
        BoundAtLeast a => AtLeast(a, s),
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => double.NaN,
        },
    };

    /// <summary>Per thread (the interpreter is shared): guards a cycle of counting rules the binder has reported.</summary>
    [ThreadStatic]
    private static int s_countDepth;

    /// <summary>How many members of the group are true (three-valued, as <see cref="Logic.AtLeast"/>); unknown for an unknown group or a cycle.</summary>
    private double AtLeast(BoundAtLeast a, PatientSnapshot s)
    {
        if (s_countDepth > 64)
        {
            return double.NaN;
        }

        var members = a.Members.IsDefault ? [] : a.Members;
        var truths = new Truth[members.Length];
        s_countDepth++;
        try
        {
            for (var i = 0; i < members.Length; i++)
            {
                truths[i] = Logic.ToTruth(Evaluate(members[i], s));
            }
        }
        finally
        {
            s_countDepth--;
        }
        return Logic.FromTruth(Logic.AtLeast(a.Count, truths));
    }

    private double Aggregate(BoundAggregate a, PatientSnapshot s)
    {
        var index = _observations[a.Observation];
        return a.Kind switch
        {
            AggregateKind.Sum => s.Sum(index, a.WindowSeconds),
            AggregateKind.Min => s.Min(index, a.WindowSeconds),
            AggregateKind.Max => s.Max(index, a.WindowSeconds),
            AggregateKind.Mean => s.Mean(index, a.WindowSeconds),
            AggregateKind.Count => s.Count(index, a.WindowSeconds),
            _ => s.Change(index, a.WindowSeconds),
        };
    }

    private double Binary(BoundBinary b, PatientSnapshot s)
    {
        var left = Evaluate(b.Left, s);
        var right = Evaluate(b.Right, s);
        return b.Kind switch
        {
            BinaryOperator.Multiply => left * right,
            BinaryOperator.Divide => left / right,
            BinaryOperator.Add => left + right,
            BinaryOperator.Subtract => left - right,
            BinaryOperator.Less => Logic.FromTruth(Logic.Less(left, right)),
            BinaryOperator.LessOrEqual => Logic.FromTruth(Logic.LessOrEqual(left, right)),
            BinaryOperator.Greater => Logic.FromTruth(Logic.Greater(left, right)),
            BinaryOperator.GreaterOrEqual => Logic.FromTruth(Logic.GreaterOrEqual(left, right)),
            BinaryOperator.Equal => Logic.FromTruth(Logic.Equal(left, right)),
            BinaryOperator.NotEqual => Logic.FromTruth(Logic.NotEqual(left, right)),
            BinaryOperator.And => Logic.FromTruth(Logic.And(Logic.ToTruth(left), Logic.ToTruth(right))),
            _ => Logic.FromTruth(Logic.Or(Logic.ToTruth(left), Logic.ToTruth(right))),
        };
    }
}
