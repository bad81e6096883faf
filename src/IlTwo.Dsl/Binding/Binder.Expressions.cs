using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Binding;

internal sealed partial class Binder
{
    /// <summary>The functions a condition can call, for binding, completion and signature help.</summary>
    public static readonly IReadOnlyDictionary<string, FunctionSignature> Functions = new Dictionary<string, FunctionSignature>(StringComparer.Ordinal)
    {
        ["sum"] = new("sum", "sum(observation, last duration)", "The sum of the values in the window (unknown when there are none).", AggregateKind.Sum, true),
        ["min"] = new("min", "min(observation, last duration)", "The lowest value in the window (unknown when there are none).", AggregateKind.Min, true),
        ["max"] = new("max", "max(observation, last duration)", "The highest value in the window (unknown when there are none).", AggregateKind.Max, true),
        ["mean"] = new("mean", "mean(observation, last duration)", "The mean of the values in the window (unknown when there are none).", AggregateKind.Mean, true),
        ["count"] = new("count", "count(observation, last duration)", "How many values were recorded in the window (0 when there are none).", AggregateKind.Count, true),
        ["change"] = new("change", "change(observation, last duration)", "The latest value in the window minus the earliest (unknown with fewer than two).", AggregateKind.Change, true),
        ["latest"] = new("latest", "latest(observation)", "The latest value within the observation's recency window; the same as writing the name.", null, false),
        ["baseline"] = new("baseline", "baseline(observation)", "The latest value recorded before the first dose was given.", null, false),
    };

    private BoundExpression BindExpression(ExpressionSyntax syntax) => syntax switch
    {
        QuantityExpressionSyntax q => BindQuantityLiteral(q.Quantity, q, null),
        FlagLiteralExpressionSyntax f => new BoundFlagLiteral(f.Value, f),
        ParenthesizedExpressionSyntax p => BindExpression(p.Inner),
        NameExpressionSyntax n => BindName(n),
        CallExpressionSyntax c => BindCall(c),
        WeightExpressionSyntax w => new BoundWeight(w),
        DosesExpressionSyntax d => new BoundDoses(d.Held, d),
        TimeSinceExpressionSyntax t => BindTimeSince(t),
        NotExpressionSyntax n => BindNot(n),
        NegateExpressionSyntax n => BindNegate(n),
        IsFlagExpressionSyntax i => BindIsFlag(i),
        BinaryExpressionSyntax b => BindBinary(b),
        AtLeastExpressionSyntax a => BindAtLeast(a),
        _ => new BoundErrorExpression(syntax),
    };

    /// <summary><c>at least N of GROUP</c>; whether the group has members is checked once every rule is bound.</summary>
    private BoundExpression BindAtLeast(AtLeastExpressionSyntax syntax)
    {
        var count = Count(syntax.Count, "the number of rules");
        if (count is null || syntax.Group.IsMissing)
        {
            return new BoundErrorExpression(syntax);
        }

        return new BoundAtLeast(count.Value, syntax.Group.Text, syntax);
    }

    /// <param name="expected">The unit of the observation the literal is compared with, when known (for the unknown-unit fixes).</param>
    private BoundExpression BindQuantityLiteral(QuantitySyntax quantity, SyntaxNode syntax, UcumUnit? expected)
    {
        if (double.IsNaN(quantity.Value))
        {
            return new BoundErrorExpression(syntax);
        }

        if (quantity.Unit is null)
        {
            return new BoundQuantityLiteral(quantity.Value, null, quantity.Value, BoundType.Count, syntax);
        }

        var unit = ResolveUnit(quantity.Unit, expected);
        if (unit is null)
        {
            return new BoundErrorExpression(syntax);
        }

        return new BoundQuantityLiteral(quantity.Value * unit.Factor + unit.Offset, unit.Code, quantity.Value, new QuantityType(unit.Dimension), syntax);
    }

    private BoundExpression BindName(NameExpressionSyntax syntax)
    {
        var name = syntax.Name;
        if (name.IsMissing)
        {
            return new BoundErrorExpression(syntax);
        }

        if (_observations.TryGetValue(name.Text, out var observation))
        {
            Reference(name, observation);
            return new BoundObservationValue(observation, syntax);
        }
        if (_constants.TryGetValue(name.Text, out var constant))
        {
            Reference(name, constant);
            if (constant.ProtocolId == ProtocolId)
            {
                BindConstant(constant);
            }

            return constant.Value is null or BoundErrorExpression ? new BoundErrorExpression(syntax) : new BoundConstantReference(constant, syntax);
        }
        if (_events.ContainsKey(name.Text))
        {
            _diagnostics.ReportEventUsedAsValue(name.Span, name.Text);
            return new BoundErrorExpression(syntax);
        }
        _diagnostics.ReportUndefinedName(name.Span, name.Text, "observation or constant", _observations.Keys.Concat(_constants.Keys));
        return new BoundErrorExpression(syntax);
    }

    private BoundExpression BindCall(CallExpressionSyntax call)
    {
        var name = call.Function.Text;
        if (call.Function.IsMissing)
        {
            return new BoundErrorExpression(call);
        }

        if (!Functions.TryGetValue(name, out var function))
        {
            _diagnostics.ReportUnknownFunction(call.Function.Span, name, [.. Functions.Keys]);
            return new BoundErrorExpression(call);
        }

        var expected = function.TakesWindow ? 2 : 1;
        if (call.Arguments.Length != expected)
        {
            _diagnostics.ReportWrongArguments(call.Span, function.Name, function.TakesWindow, function.Signature, ArgumentProblem.Count);
            return new BoundErrorExpression(call);
        }

        if (call.Arguments[0] is not ExpressionArgumentSyntax { Expression: NameExpressionSyntax observationName })
        {
            _diagnostics.ReportWrongArguments(call.Arguments[0].Span, function.Name, function.TakesWindow, function.Signature, ArgumentProblem.NotAnObservationName);
            return new BoundErrorExpression(call);
        }
        if (BindName(observationName) is not BoundObservationValue { Observation: var observation })
        {
            if (_constants.ContainsKey(observationName.Name.Text))
            {
                _diagnostics.ReportWrongArguments(observationName.Span, function.Name, function.TakesWindow, function.Signature, ArgumentProblem.ConstantNotObservation);
            }

            return new BoundErrorExpression(call);
        }

        if (!function.TakesWindow)
        {
            return name == "baseline" ? new BoundBaseline(observation, call) : new BoundObservationValue(observation, call);
        }

        if (call.Arguments[1] is not WindowArgumentSyntax window)
        {
            _diagnostics.ReportWrongArguments(call.Arguments[1].Span, function.Name, function.TakesWindow, function.Signature, ArgumentProblem.NotAWindow);
            return new BoundErrorExpression(call);
        }
        var seconds = Duration(window.Window, "an aggregate window");
        if (seconds is null)
        {
            return new BoundErrorExpression(call);
        }

        if (seconds <= 0)
        {
            _diagnostics.ReportEmptyAggregateWindow(window.Span);
            return new BoundErrorExpression(call);
        }
        if (observation.IsYesNo && function.Aggregate != AggregateKind.Count)
        {
            _diagnostics.ReportAggregateOverYesNo(call.Function.Span, function.Name, observation.Name);
            return new BoundErrorExpression(call);
        }
        var kind = function.Aggregate!.Value;
        var type = kind == AggregateKind.Count ? BoundType.Count : observation.Type;
        return new BoundAggregate(kind, observation, seconds.Value, window.Window.ToString(), type, call);
    }

    private BoundExpression BindTimeSince(TimeSinceExpressionSyntax syntax)
    {
        if (syntax.Kind != TimeSinceKind.Event)
        {
            return new BoundTimeSince(syntax.Kind, null, syntax);
        }

        var @event = syntax.Event is null ? null : ResolveEvent(syntax.Event);
        return @event is null ? new BoundErrorExpression(syntax) : new BoundTimeSince(TimeSinceKind.Event, @event, syntax);
    }

    private BoundExpression BindNot(NotExpressionSyntax syntax)
    {
        var operand = BindExpression(syntax.Operand);
        if (operand.Type is ErrorType)
        {
            return new BoundErrorExpression(syntax);
        }

        if (operand.Type is not YesNoType)
        {
            _diagnostics.ReportNotNeedsYesNo(syntax.Operand.Span, operand.Type.Describe());
            return new BoundErrorExpression(syntax);
        }
        return new BoundNot(operand, syntax);
    }

    private BoundExpression BindNegate(NegateExpressionSyntax syntax)
    {
        var operand = BindExpression(syntax.Operand);
        if (operand.Type is ErrorType)
        {
            return new BoundErrorExpression(syntax);
        }

        if (operand.Type is not QuantityType)
        {
            _diagnostics.ReportNegationNeedsNumber(syntax.Operand.Span, operand.Type.Describe());
            return new BoundErrorExpression(syntax);
        }
        return operand is BoundQuantityLiteral literal
            ? literal with { Value = -literal.Value, WrittenValue = -literal.WrittenValue, Syntax = syntax }
            : new BoundNegate(operand, syntax);
    }

    private BoundExpression BindIsFlag(IsFlagExpressionSyntax syntax)
    {
        var operand = BindExpression(syntax.Operand);
        if (operand.Type is ErrorType)
        {
            return new BoundErrorExpression(syntax);
        }

        if (operand.Type is not YesNoType)
        {
            _diagnostics.ReportIsYesNeedsYesNo(syntax.Operand.Span, syntax.Value, operand.Type.Describe());
            return new BoundErrorExpression(syntax);
        }
        return new BoundIsFlag(operand, syntax.Value != syntax.Negated, syntax);
    }

    private BoundExpression BindBinary(BinaryExpressionSyntax syntax)
    {
        var left = BindExpression(syntax.Left);
        var right = syntax.Right is QuantityExpressionSyntax literal && (syntax.Operator.IsComparison() || syntax.Operator is BinaryOperator.Add or BinaryOperator.Subtract)
            ? BindQuantityLiteral(literal.Quantity, literal, ObservationOf(left)?.Unit)
            : BindExpression(syntax.Right);
        var kind = syntax.Operator;
        if (left.Type is ErrorType || right.Type is ErrorType)
        {
            return new BoundErrorExpression(syntax);
        }

        if (syntax.Operator.IsLogical())
        {
            foreach (var (operand, operandSyntax) in new[] { (left, syntax.Left), (right, syntax.Right) })
            {
                if (operand.Type is not YesNoType)
                {
                    _diagnostics.ReportConditionNotYesNo(operandSyntax.Span, operand.Type.Describe(), syntax.Operator.Text());
                    return new BoundErrorExpression(syntax);
                }
            }
            return new BoundBinary(left, kind, right, BoundType.YesNo, syntax);
        }

        if (left.Type is YesNoType || right.Type is YesNoType)
        {
            if (left.Type is YesNoType && right.Type is YesNoType && kind is BinaryOperator.Equal or BinaryOperator.NotEqual)
            {
                return new BoundBinary(left, kind, right, BoundType.YesNo, syntax);
            }

            _diagnostics.ReportOperatorNeedsNumbers(syntax.OperatorSpan, syntax.Operator.Text(), left.Type.Describe(), right.Type.Describe());
            return new BoundErrorExpression(syntax);
        }

        var leftType = (QuantityType)left.Type;
        var rightType = (QuantityType)right.Type;
        switch (kind)
        {
            case BinaryOperator.Multiply:
                return Fold(new BoundBinary(left, kind, right, new QuantityType(leftType.Dimension.Multiply(rightType.Dimension)), syntax));
            case BinaryOperator.Divide:
                return Fold(new BoundBinary(left, kind, right, new QuantityType(leftType.Dimension.Divide(rightType.Dimension)), syntax));
        }

        // Addition and comparison need one dimension: convert a literal side where the other side says how.
        (left, right) = Reconcile(left, right, syntax);
        if (left is BoundErrorExpression || right is BoundErrorExpression)
        {
            return new BoundErrorExpression(syntax);
        }

        var type = kind.IsComparison() ? BoundType.YesNo : left.Type;
        return Fold(new BoundBinary(left, kind, right, type, syntax));
    }

    /// <summary>
    /// Makes both sides of a comparison or sum the same dimension. A bare number next to a quantity is an error
    /// with a fix; a substance concentration next to a mass concentration converts through the observation's molar mass.
    /// </summary>
    private (BoundExpression Left, BoundExpression Right) Reconcile(BoundExpression left, BoundExpression right, BinaryExpressionSyntax syntax)
    {
        var leftType = (QuantityType)left.Type;
        var rightType = (QuantityType)right.Type;
        if (leftType.Dimension == rightType.Dimension)
        {
            return (InDeclaredUnit(left, right), InDeclaredUnit(right, left));
        }

        if (right is BoundQuantityLiteral { IsBareNumber: true } bareRight && !leftType.IsDimensionless)
        {
            ReportBareNumber(bareRight, left);
            return (left, new BoundErrorExpression(syntax));
        }
        if (left is BoundQuantityLiteral { IsBareNumber: true } bareLeft && !rightType.IsDimensionless)
        {
            ReportBareNumber(bareLeft, right);
            return (new BoundErrorExpression(syntax), right);
        }

        var converted = right is BoundQuantityLiteral rightLiteral && ObservationOf(left) is { Unit: not null } leftObservation
            ? ConvertLiteral(rightLiteral, leftObservation)
            : default;
        if (converted.Result is not null)
        {
            return (left, converted.Result);
        }

        if (!converted.Reported && left is BoundQuantityLiteral leftLiteral && ObservationOf(right) is { Unit: not null } rightObservation)
        {
            converted = ConvertLiteral(leftLiteral, rightObservation);
            if (converted.Result is not null)
            {
                return (converted.Result, right);
            }
        }
        if (converted.Reported)
        {
            return (new BoundErrorExpression(syntax), right);
        }

        _diagnostics.ReportIncompatibleOperands(syntax.OperatorSpan, Describe(left), leftType.Dimension.Describe(), Describe(right), rightType.Dimension.Describe(), syntax.Operator.IsComparison());
        return (new BoundErrorExpression(syntax), right);
    }

    /// <summary>Converts a literal into an observation's unit (through its molar mass if need be); reports only a missing molar mass.</summary>
    private (BoundExpression? Result, bool Reported) ConvertLiteral(BoundQuantityLiteral literal, ObservationSymbol observation)
    {
        if (literal.Unit is null || !Ucum.TryParse(literal.Unit, out var unit, out _))
        {
            return (null, false);
        }

        if (!Ucum.TryGetConversion(unit, observation.Unit!, observation.MolarMass, out var conversion, out var error))
        {
            if (!error.Contains("molar mass", StringComparison.Ordinal))
            {
                return (null, false);
            }

            _diagnostics.ReportMolarMassForComparison(literal.Syntax?.Span ?? default, observation.Name, observation.Unit!.Code, literal.Unit);
            return (null, true);
        }
        var declared = (literal.Syntax as QuantityExpressionSyntax)?.Quantity.NumberText is { } text && Ucum.ConvertExactly(text, unit, observation.Unit!) is { } exact
            ? exact
            : conversion.Apply(literal.WrittenValue);
        return (literal with { Value = declared * observation.Unit!.Factor + observation.Unit.Offset, QuantityType = new QuantityType(observation.Unit.Dimension) }, false);
    }

    /// <summary>
    /// A threshold written in another unit of an observation's dimension, taken through the observation's declared unit
    /// (exactly, from its decimal text) as a charted value is: 0.08 L and 80 mL are then the same threshold.
    /// </summary>
    private BoundExpression InDeclaredUnit(BoundExpression side, BoundExpression other) =>
        side is BoundQuantityLiteral { Unit: { } unit } literal && ObservationOf(other) is { Unit: { } declared } observation && unit != declared.Code
            ? ConvertLiteral(literal, observation).Result ?? side
            : side;

    private void ReportBareNumber(BoundQuantityLiteral bare, BoundExpression other)
    {
        var unit = UnitOf(other);
        var (span, number) = (bare.Syntax as QuantityExpressionSyntax)?.Quantity is { } quantity
            ? (quantity.NumberSpan, quantity.NumberText)
            : (bare.Syntax?.Span ?? default, bare.WrittenValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (unit is null)
        {
            _diagnostics.ReportMissingUnitBeside(span, number, other.Type.Describe());
        }
        else
        {
            _diagnostics.ReportMissingUnit(span, number, Describe(other), unit);
        }
    }

    private static ObservationSymbol? ObservationOf(BoundExpression expression) => expression switch
    {
        BoundObservationValue o => o.Observation,
        BoundAggregate { Kind: not AggregateKind.Count } a => a.Observation,
        BoundBaseline b => b.Observation,
        BoundBinary { Kind: BinaryOperator.Add or BinaryOperator.Subtract } b => ObservationOf(b.Left) ?? ObservationOf(b.Right),
        BoundBinary { Kind: BinaryOperator.Multiply } b when b.Left.Type is QuantityType { IsDimensionless: true } => ObservationOf(b.Right),
        BoundBinary { Kind: BinaryOperator.Multiply } b when b.Right.Type is QuantityType { IsDimensionless: true } => ObservationOf(b.Left),
        BoundNegate n => ObservationOf(n.Operand),
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => null,
        },
    };

    /// <summary>The unit a reader would write next to a number compared with this expression.</summary>
    private static string? UnitOf(BoundExpression expression) => expression switch
    {
        BoundWeight => "kg",
        BoundTimeSince => "h",
        BoundConstantReference c => c.Constant.Value is BoundQuantityLiteral { Unit: { } u } ? u : null,
        BoundQuantityLiteral l => l.Unit,
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => ObservationOf(expression)?.Unit?.Code,
        },
    };

    private static string Describe(BoundExpression expression) => expression switch
    {
        BoundObservationValue o => $"'{o.Observation.Name}'",
        BoundAggregate a => $"{a.Kind.ToString().ToLowerInvariant()}({a.Observation.Name}, last {a.WindowText})",
        BoundBaseline b => $"baseline({b.Observation.Name})",
        BoundConstantReference c => $"'{c.Constant.Name}'",
        BoundWeight => "weight",
        BoundTimeSince => "the time since",
        BoundDoses d => d.Held ? "doses held" : "doses given",
        BoundQuantityLiteral l => l.Unit is null ? l.WrittenValue.ToString("G", System.Globalization.CultureInfo.InvariantCulture) : $"{l.WrittenValue.ToString("G", System.Globalization.CultureInfo.InvariantCulture)} {l.Unit}",
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => "this value",
        },
    };

    /// <summary>Folds arithmetic on two literals into one literal (so constants like <c>2 x 4 mL/kg</c> cost nothing at run time).</summary>
    private static BoundExpression Fold(BoundBinary binary)
    {
        if (binary.Left is not BoundQuantityLiteral l || binary.Right is not BoundQuantityLiteral r || binary.Type is not QuantityType type)
        {
            return binary;
        }

        var value = binary.Kind switch
        {
            BinaryOperator.Multiply => l.Value * r.Value,
            BinaryOperator.Divide => r.Value == 0 ? double.NaN : l.Value / r.Value,
            BinaryOperator.Add => l.Value + r.Value,
            BinaryOperator.Subtract => l.Value - r.Value,
            _ => double.NaN,
        };
        return double.IsFinite(value) ? new BoundQuantityLiteral(value, null, value, type, binary.Syntax) { } : binary;
    }
}

public sealed record FunctionSignature(string Name, string Signature, string Documentation, AggregateKind? Aggregate, bool TakesWindow);
