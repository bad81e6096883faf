using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// The fact both general-purpose engines read: every distinct value the protocol's conditions read (latest values,
/// aggregates, weight, dose counts...), precomputed from a <see cref="PatientSnapshot"/> in canonical units, NaN for
/// "no usable value". <c>V0</c>..<c>V31</c> so that expression strings can name them (<c>input1.V3 &lt; 11998980</c>).
/// </summary>
public sealed class RuleInputs
{
    public const int Capacity = 32;

    private readonly double[] _values = new double[Capacity];

    public double this[int index]
    {
        get => _values[index];
        set => _values[index] = value;
    }

    public double V0 => _values[0];
    public double V1 => _values[1];
    public double V2 => _values[2];
    public double V3 => _values[3];
    public double V4 => _values[4];
    public double V5 => _values[5];
    public double V6 => _values[6];
    public double V7 => _values[7];
    public double V8 => _values[8];
    public double V9 => _values[9];
    public double V10 => _values[10];
    public double V11 => _values[11];
    public double V12 => _values[12];
    public double V13 => _values[13];
    public double V14 => _values[14];
    public double V15 => _values[15];
    public double V16 => _values[16];
    public double V17 => _values[17];
    public double V18 => _values[18];
    public double V19 => _values[19];
    public double V20 => _values[20];
    public double V21 => _values[21];
    public double V22 => _values[22];
    public double V23 => _values[23];
    public double V24 => _values[24];
    public double V25 => _values[25];
    public double V26 => _values[26];
    public double V27 => _values[27];
    public double V28 => _values[28];
    public double V29 => _values[29];
    public double V30 => _values[30];
    public double V31 => _values[31];
}

/// <summary>
/// Translates the bound rule conditions of a protocol — the same trees the Roslyn generator and the interpreter walk —
/// into what other rule engines take: a list of distinct inputs, a Dynamic LINQ expression string per rule (Microsoft
/// RulesEngine) and a LINQ expression tree per rule (NRules). The rules are therefore the same by construction.
/// </summary>
/// <remarks>
/// Both engines compare plain doubles, so their logic is two-valued: a comparison with a missing value (NaN) is
/// false, and a rule that our three-valued logic leaves unknown simply does not fire there. Equality is exact
/// (<c>==</c>), not <see cref="Logic.NearlyEqual"/>. For the fired rules (truth <see cref="Truth.True"/>) the two agree
/// whenever no <c>not</c>/<c>!=</c> sits above a missing value; the benchmark setup checks that they agree on its record.
/// </remarks>
public sealed class EngineRules
{
    private readonly List<(string Key, Func<PatientSnapshot, double> Read)> _inputs = [];
    private readonly Dictionary<string, int> _inputIndex = new(StringComparer.Ordinal);
    private readonly List<InputSpec> _specs = [];
    private readonly Dictionary<ObservationSymbol, int> _observations;
    private readonly Dictionary<EventSymbol, int> _events;

    public EngineRules(ProtocolCompilation compilation)
    {
        var protocol = compilation.Protocol;
        _observations = protocol.Observations.Select((o, i) => (o, i)).ToDictionary(p => p.o, p => p.i);
        _events = protocol.Events.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        Rules = [.. protocol.Rules.Select((r, i) => new EngineRule(i, r.Name, ToText(r.Condition), ToBool(r.Condition)))];
    }

    public IReadOnlyList<EngineRule> Rules { get; }

    public int InputCount => _inputs.Count;

    /// <summary>What each input reads (for <see cref="RecordReader"/>, which computes them from the record itself).</summary>
    public IReadOnlyList<InputSpec> Specs => _specs;

    public IEnumerable<string> InputKeys => _inputs.Select(i => i.Key);

    /// <summary>Fills <paramref name="inputs"/> from the snapshot (what a caller of either engine must do first).</summary>
    public void Fill(PatientSnapshot snapshot, RuleInputs inputs)
    {
        for (var i = 0; i < _inputs.Count; i++)
        {
            inputs[i] = _inputs[i].Read(snapshot);
        }
    }

    public RuleInputs Precompute(PatientSnapshot snapshot)
    {
        var inputs = new RuleInputs();
        Fill(snapshot, inputs);
        return inputs;
    }

    // ------------------------------------------------------------ inputs

    /// <summary>The V index of a leaf the conditions read; identical leaves (e.g. the three <c>sum(urine-output, last 8 h)</c>) share one.</summary>
    private int Input(BoundExpression leaf)
    {
        var (key, read, spec) = leaf switch
        {
            BoundObservationValue o => ($"latest {o.Observation.Name}", Latest(_observations[o.Observation]), new InputSpec(InputKind.Latest, _observations[o.Observation])),
            BoundBaseline b => ($"baseline {b.Observation.Name}", Baseline(_observations[b.Observation]), new InputSpec(InputKind.Baseline, _observations[b.Observation])),
            BoundAggregate a => ($"{a.Kind} {a.Observation.Name} {a.WindowSeconds.ToString("R", CultureInfo.InvariantCulture)}", Aggregate(a.Kind, _observations[a.Observation], a.WindowSeconds),
                new InputSpec(InputKind.Aggregate, _observations[a.Observation], a.WindowSeconds, a.Kind)),
            BoundWeight => ("weight", static s => s.Weight, new InputSpec(InputKind.Weight, -1)),
            BoundDoses { Held: true } => ("doses held", static s => s.DosesHeld, new InputSpec(InputKind.DosesHeld, -1)),
            BoundDoses => ("doses given", static s => s.DosesGiven, new InputSpec(InputKind.DosesGiven, -1)),
            BoundTimeSince { Kind: Dsl.Syntax.TimeSinceKind.LastDose } => ("time since last dose", static s => s.TimeSinceLastDose(), new InputSpec(InputKind.TimeSinceLastDose, -1)),
            BoundTimeSince { Kind: Dsl.Syntax.TimeSinceKind.FirstDose } => ("time since first dose", static s => s.TimeSinceFirstDose(), new InputSpec(InputKind.TimeSinceFirstDose, -1)),
            BoundTimeSince t => ($"time since {t.Event!.Name}", Since(_events[t.Event!]), new InputSpec(InputKind.TimeSinceEvent, _events[t.Event!])),
            _ => throw new NotSupportedException($"not an input: {leaf.GetType().Name}"),
        };
        if (_inputIndex.TryGetValue(key, out var index))
        {
            return index;
        }

        if (_inputs.Count == RuleInputs.Capacity)
        {
            throw new NotSupportedException($"more than {RuleInputs.Capacity} distinct inputs");
        }

        _inputs.Add((key, read));
        _specs.Add(spec);
        return _inputIndex[key] = _inputs.Count - 1;
    }

    private static Func<PatientSnapshot, double> Latest(int o) => s => s.Latest(o);

    private static Func<PatientSnapshot, double> Baseline(int o) => s => s.Baseline(o);

    private static Func<PatientSnapshot, double> Since(int e) => s => s.TimeSinceEvent(e);

    private static Func<PatientSnapshot, double> Aggregate(AggregateKind kind, int o, double window) => kind switch
    {
        AggregateKind.Sum => s => s.Sum(o, window),
        AggregateKind.Min => s => s.Min(o, window),
        AggregateKind.Max => s => s.Max(o, window),
        AggregateKind.Mean => s => s.Mean(o, window),
        AggregateKind.Count => s => s.Count(o, window),
        _ => s => s.Change(o, window),
    };

    private static bool IsLeaf(BoundExpression e) =>
        e is BoundObservationValue or BoundBaseline or BoundAggregate or BoundWeight or BoundDoses or BoundTimeSince;

    // ------------------------------------------------------------ Dynamic LINQ text (RulesEngine)

    private string ToText(BoundExpression condition)
    {
        var text = new StringBuilder();
        Condition(condition, text);
        return text.ToString();
    }

    private void Condition(BoundExpression e, StringBuilder text)
    {
        switch (e)
        {
            case BoundConstantReference { Constant.Value: { } value }:
                Condition(value, text);
                return;
            case BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } b:
                text.Append('(');
                Condition(b.Left, text);
                text.Append(b.Kind == BinaryOperator.And ? " && " : " || ");
                Condition(b.Right, text);
                text.Append(')');
                return;
            case BoundBinary b when b.Kind.IsComparison():
                text.Append('(');
                Number(b.Left, text);
                text.Append(b.Kind switch
                {
                    BinaryOperator.Less => " < ",
                    BinaryOperator.LessOrEqual => " <= ",
                    BinaryOperator.Greater => " > ",
                    BinaryOperator.GreaterOrEqual => " >= ",
                    BinaryOperator.Equal => " == ",
                    _ => " != ",
                });
                Number(b.Right, text);
                text.Append(')');
                return;
            case BoundNot n:
                text.Append("!(");
                Condition(n.Operand, text);
                text.Append(')');
                return;
            case BoundIsFlag f:
                // flags are 1 (yes), 0 (no) or NaN (unknown: never equal)
                text.Append('(');
                Number(f.Operand, text);
                text.Append(f.Expected ? " == 1.0)" : " == 0.0)");
                return;
            default:
                // a yes/no value used as a condition
                text.Append('(');
                Number(e, text);
                text.Append(" == 1.0)");
                return;
        }
    }

    private void Number(BoundExpression e, StringBuilder text)
    {
        switch (e)
        {
            case BoundQuantityLiteral l:
                text.Append(DoubleText(l.Value));
                return;
            case BoundFlagLiteral f:
                text.Append(f.Value ? "1.0" : "0.0");
                return;
            case BoundConstantReference { Constant.Value: { } value }:
                Number(value, text);
                return;
            case BoundNegate n:
                text.Append("-(");
                Number(n.Operand, text);
                text.Append(')');
                return;
            case BoundBinary { Kind: BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Add or BinaryOperator.Subtract } b:
                text.Append('(');
                Number(b.Left, text);
                text.Append(b.Kind switch { BinaryOperator.Multiply => " * ", BinaryOperator.Divide => " / ", BinaryOperator.Add => " + ", _ => " - " });
                Number(b.Right, text);
                text.Append(')');
                return;
            case var leaf when IsLeaf(leaf):
                text.Append("input1.V").Append(Input(leaf).ToString(CultureInfo.InvariantCulture));
                return;
            default:
                throw new NotSupportedException($"cannot translate {e.GetType().Name} to a number");
        }
    }

    /// <summary>Round-trippable and always a real literal: "90.0", "1.6666666666666667E-11".</summary>
    private static string DoubleText(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new NotSupportedException($"literal {value}");
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    // ------------------------------------------------------------ LINQ expression trees (NRules)

    public static readonly ParameterExpression InputParameter = Expression.Parameter(typeof(RuleInputs), "input");

    private Expression<Func<RuleInputs, bool>> ToBool(BoundExpression condition) =>
        Expression.Lambda<Func<RuleInputs, bool>>(Bool(condition), InputParameter);

    private Expression Bool(BoundExpression e) => e switch
    {
        BoundConstantReference { Constant.Value: { } value } => Bool(value),
        BoundBinary { Kind: BinaryOperator.And } b => Expression.AndAlso(Bool(b.Left), Bool(b.Right)),
        BoundBinary { Kind: BinaryOperator.Or } b => Expression.OrElse(Bool(b.Left), Bool(b.Right)),
        BoundBinary b when b.Kind.IsComparison() => b.Kind switch
        {
            BinaryOperator.Less => Expression.LessThan(Double(b.Left), Double(b.Right)),
            BinaryOperator.LessOrEqual => Expression.LessThanOrEqual(Double(b.Left), Double(b.Right)),
            BinaryOperator.Greater => Expression.GreaterThan(Double(b.Left), Double(b.Right)),
            BinaryOperator.GreaterOrEqual => Expression.GreaterThanOrEqual(Double(b.Left), Double(b.Right)),
            BinaryOperator.Equal => Expression.Equal(Double(b.Left), Double(b.Right)),
            _ => Expression.NotEqual(Double(b.Left), Double(b.Right)),
        },
        BoundNot n => Expression.Not(Bool(n.Operand)),
        BoundIsFlag f => Expression.Equal(Double(f.Operand), Expression.Constant(f.Expected ? 1.0 : 0.0)),
        _ => Expression.Equal(Double(e), Expression.Constant(1.0)),
    };

    private Expression Double(BoundExpression e) => e switch
    {
        BoundQuantityLiteral l => Expression.Constant(l.Value),
        BoundFlagLiteral f => Expression.Constant(f.Value ? 1.0 : 0.0),
        BoundConstantReference { Constant.Value: { } value } => Double(value),
        BoundNegate n => Expression.Negate(Double(n.Operand)),
        BoundBinary { Kind: BinaryOperator.Multiply } b => Expression.Multiply(Double(b.Left), Double(b.Right)),
        BoundBinary { Kind: BinaryOperator.Divide } b => Expression.Divide(Double(b.Left), Double(b.Right)),
        BoundBinary { Kind: BinaryOperator.Add } b => Expression.Add(Double(b.Left), Double(b.Right)),
        BoundBinary { Kind: BinaryOperator.Subtract } b => Expression.Subtract(Double(b.Left), Double(b.Right)),
        _ when IsLeaf(e) => Expression.Property(InputParameter, "V" + Input(e).ToString(CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"cannot translate {e.GetType().Name} to a number"),
    };
}

/// <summary>One rule in both engines' forms.</summary>
public sealed record EngineRule(int Index, string Id, string Expression, Expression<Func<RuleInputs, bool>> Condition);

/// <summary>One input of the general engines: what it reads (observation or event index, window and aggregate).</summary>
public sealed record InputSpec(InputKind Kind, int Index, double WindowSeconds = 0, AggregateKind Aggregate = AggregateKind.Count);
