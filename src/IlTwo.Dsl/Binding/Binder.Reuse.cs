using System.Collections.Immutable;
using System.Runtime.InteropServices;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Binding;

/// <summary>What binding one declaration gave, kept with the bound protocol for the next version's binder to reuse.</summary>
internal abstract record DeclarationRecord(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<SymbolOccurrence> Occurrences);

/// <summary>A rule as <see cref="Binder"/>'s BindRule left it: before the counts are resolved (members of a count are not kept).</summary>
internal sealed record RuleRecord(
    BoundExpression Condition,
    BoundExpression? Until,
    BoundExpression? Correction,
    ImmutableArray<BoundCitation> Citations,
    ImmutableArray<string> Groups,
    double? PersistenceSeconds,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<SymbolOccurrence> Occurrences) : DeclarationRecord(Diagnostics, Occurrences);

/// <summary>An observation as BindObservation left it (an observation's items refer to no symbol: it has no occurrences).</summary>
internal sealed record ObservationRecord(ObservationSymbol Symbol, ImmutableArray<Diagnostic> Diagnostics) : DeclarationRecord(Diagnostics, []);

internal sealed record ScenarioRecord(BoundScenario Scenario, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<SymbolOccurrence> Occurrences)
    : DeclarationRecord(Diagnostics, Occurrences);

/// <summary>
/// Incremental binding: after an edit inside rules or scenarios only, the observations, rules and scenarios the edit did
/// not touch are not bound again but translated from the previous version's binding — every symbol they refer to replaced by this
/// version's symbol of the same name, every syntax node by its moved copy, every span moved with its declaration — which
/// is exactly what binding them again gives, because nothing they depend on changed: the edit touched no observation,
/// constant, event, reference, fixture, header, regimen or extends declaration, renamed, added or removed no rule, the
/// base is the same bound protocol and neither version has a syntax error. Everything that reads several declarations
/// (declaring names, rule inheritance and groups, counts, fixtures, the order of occurrences) runs as in a full bind.
/// </summary>
internal sealed partial class Binder
{
    private readonly Reuse? _reuse;
    private readonly DeclarationRecord?[] _records;
    private Dictionary<string, RuleSymbol>? _rulesByName;

    /// <summary>The previous version's binding and how this version's declarations map onto it; null when nothing can be reused.</summary>
    private sealed class Reuse
    {
        private readonly DeclarationRecord?[] _records;
        private readonly ImmutableArray<DeclarationSyntax> _old;
        private readonly SyntaxEdit _edit;
        private readonly int _unchangedEnd;
        private readonly int _movedStart;

        private Reuse(DeclarationRecord?[] records, ImmutableArray<DeclarationSyntax> old, SyntaxEdit edit)
        {
            _records = records;
            _old = old;
            _edit = edit;
            // Every span of a kept declaration ends by the end of the last one before the edit or starts at the first after it.
            _unchangedEnd = edit.First > 0 ? old[edit.First - 1].Span.End : 0;
            _movedStart = edit.OldEnd < old.Length ? old[edit.OldEnd].Span.Start : int.MaxValue;
        }

        public static Reuse? Create(BoundProtocol? previous, SyntaxTree tree, BoundProtocol? @base)
        {
            if (previous?.Records is not { } records || tree.Edit is not { } edit || edit.PreviousId != previous.Tree.Id
                || !ReferenceEquals(previous.Base, @base) || !tree.Diagnostics.IsEmpty || !previous.Tree.Diagnostics.IsEmpty
                || previous.Tree.Text.Path != tree.Text.Path || records.Length != previous.Tree.Root.Declarations.Length)
            {
                return null;
            }

            var old = previous.Tree.Root.Declarations;
            var @new = tree.Root.Declarations;
            if (edit.OldEnd - edit.First != edit.NewEnd - edit.First || old.Length != @new.Length)
            {
                return null;
            }

            // Only rules (keeping their names) and scenarios may have changed, one for one.
            for (var i = edit.First; i < edit.OldEnd; i++)
            {
                var same = (old[i], @new[i]) switch
                {
                    (RuleDeclarationSyntax o, RuleDeclarationSyntax n) => !o.Name.IsMissing && o.Name.Text == n.Name.Text,
                    (ScenarioDeclarationSyntax, ScenarioDeclarationSyntax) => true,
                    _ => false,
                };
                if (!same)
                {
                    return null;
                }
            }

            return new Reuse(records, old, edit);
        }

        /// <summary>The previous version's declaration and record for this version's declaration at <paramref name="index"/>, when it was kept.</summary>
        public (DeclarationSyntax Old, DeclarationRecord Record)? Find(int index)
        {
            var previous = _edit.PreviousIndex(index);
            return previous >= 0 && _records[previous] is { } record ? (_old[previous], record) : null;
        }

        /// <summary>A span of a kept declaration of the previous version, in this version; false for one the edit touched.</summary>
        public bool TryMap(TextSpan span, out TextSpan mapped)
        {
            if (span.End <= _unchangedEnd)
            {
                mapped = span;
                return true;
            }

            if (span.Start >= _movedStart)
            {
                mapped = new TextSpan(span.Start + _edit.Delta, span.Length);
                return true;
            }

            mapped = default;
            return false;
        }
    }

    /// <summary>Thrown (and caught) when a record cannot be translated; the declaration is then bound again.</summary>
    private sealed class NotReusableException : Exception;

    private static ImmutableArray<T> Since<T>(List<T> items, int start) =>
        start == items.Count ? [] : [.. CollectionsMarshal.AsSpan(items)[start..]];

    /// <summary>Binds an observation's items (<see cref="BindObservation"/>), or takes them from the previous version's binding.</summary>
    private void BindOrReuseObservation(ObservationSymbol symbol, ObservationDeclarationSyntax syntax, int index)
    {
        if (_reuse?.Find(index) is (_, ObservationRecord record) && TryReuseObservation(symbol, record, index))
        {
            return;
        }

        var diagnostics = _diagnostics.Count;
        BindObservation(symbol, syntax);
        _records[index] = new ObservationRecord(symbol, _diagnostics.Since(diagnostics));
    }

    /// <summary>
    /// On the fast path no observation changed (nor anything an observation's binding reads: the other observations, the
    /// base), so its bound items are the previous version's, values only; the symbol is this version's.
    /// </summary>
    private bool TryReuseObservation(ObservationSymbol symbol, ObservationRecord record, int index)
    {
        var old = record.Symbol;
        if (old.Name != symbol.Name || !ReferenceEquals(old.Overrides, symbol.Overrides))
        {
            return false;
        }

        try
        {
            var diagnostics = Translate(record.Diagnostics);
            symbol.Title = old.Title;
            symbol.IsYesNo = old.IsYesNo;
            symbol.Unit = old.Unit;
            symbol.LoincCodes = old.LoincCodes;
            symbol.RecencySeconds = old.RecencySeconds;
            symbol.Range = old.Range;
            symbol.MolarMass = old.MolarMass;
            symbol.ReportedTo = old.ReportedTo;
            symbol.IsOptional = old.IsOptional;
            Commit(index, new ObservationRecord(symbol, diagnostics));
            return true;
        }
        catch (NotReusableException)
        {
            return false;
        }
    }

    /// <summary>Binds a rule's own items (<see cref="BindRule"/>), or translates them from the previous version's binding.</summary>
    private void BindOrReuseRule(RuleSymbol rule, int index)
    {
        if (_reuse?.Find(index) is ({ } old, RuleRecord record) && TryReuseRule(rule, (RuleDeclarationSyntax)old, record, index))
        {
            return;
        }

        var (diagnostics, occurrences) = (_diagnostics.Count, _occurrences.Count);
        BindRule(rule);
        _records[index] = new RuleRecord(rule.Condition, rule.Until, rule.Correction, rule.Citations, rule.Groups, rule.PersistenceSeconds,
            _diagnostics.Since(diagnostics), Since(_occurrences, occurrences));
    }

    private bool TryReuseRule(RuleSymbol rule, RuleDeclarationSyntax old, RuleRecord record, int index)
    {
        var syntax = rule.Syntax;
        try
        {
            BoundExpression? Expression(BoundExpression? e) => e is null ? null : Translate(e, old, syntax);
            var condition = Expression(record.Condition)!;
            var until = Expression(record.Until);
            var correction = Expression(record.Correction);
            var citations = record.Citations;
            if (!citations.IsEmpty)
            {
                var translated = new BoundCitation[citations.Length];
                for (var i = 0; i < translated.Length; i++)
                {
                    var c = citations[i];
                    translated[i] = c with { Reference = c.Reference is null ? null : Lookup(_references, c.Reference), Span = Map(c.Span) };
                }

                citations = ImmutableCollectionsMarshal.AsImmutableArray(translated);
            }

            var diagnostics = Translate(record.Diagnostics);
            var occurrences = Translate(record.Occurrences);

            rule.Condition = condition;
            rule.Until = until;
            rule.Correction = correction;
            rule.Citations = citations;
            rule.Groups = record.Groups;
            rule.PersistenceSeconds = record.PersistenceSeconds;
            Commit(index, new RuleRecord(condition, until, correction, citations, record.Groups, record.PersistenceSeconds, diagnostics, occurrences));
            return true;
        }
        catch (NotReusableException)
        {
            return false;
        }
    }

    /// <summary>Whether a scenario's patient comes only from this file's declarations (its own items and this file's fixtures).</summary>
    private bool PatientFromThisFileOnly(ScenarioDeclarationSyntax syntax)
    {
        if (syntax.IsOverride)
        {
            return false;
        }

        var name = syntax.Fixture;
        for (var depth = 0; name is { IsMissing: false } && _fixtures.TryGetValue(name.Text, out var fixture); depth++)
        {
            if (fixture.ProtocolId != ProtocolId || !ReferenceEquals(fixture.Location.Source, _tree.Text) || depth > _fixtures.Count)
            {
                return false;
            }

            name = fixture.Syntax.Base;
        }

        return true;
    }

    /// <param name="fixtureValues">This version's values of a fixture's patient (its chain's items), by span.</param>
    private bool TryReuseScenario(ScenarioDeclarationSyntax syntax, int index, ImmutableArray<BoundScenario>.Builder scenarios, Func<FixtureSymbol, Dictionary<TextSpan, ScenarioObservationValue>> fixtureValues)
    {
        if (_reuse?.Find(index) is not ({ } oldSyntax, ScenarioRecord record) || !PatientFromThisFileOnly(syntax))
        {
            return false;
        }

        try
        {
            var old = record.Scenario;
            // A value of the scenario's own items is translated; one of its fixture's is this version's value of that
            // fixture item, the same object, as binding the scenario again shares it.
            var fromFixture = syntax.Fixture is { IsMissing: false } name && _fixtures.TryGetValue(name.Text, out var fixture) ? fixtureValues(fixture) : null;
            var values = new ScenarioObservationValue[old.Observations.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var v = old.Observations[i];
                values[i] = oldSyntax.Span.Contains(v.Span)
                    ? v with { Observation = Lookup(_observations, v.Observation), Span = Map(v.Span) }
                    : fromFixture is not null && fromFixture.TryGetValue(Map(v.Span), out var shared) ? shared : throw new NotReusableException();
            }

            var scenario = old with
            {
                Syntax = syntax,
                Observations = ImmutableCollectionsMarshal.AsImmutableArray(values),
                ExpectedRules = old.ExpectedRules is { } rules ? ImmutableArray.CreateRange(rules, r => RuleNamed(r.Name)) : null,
                ProtocolId = ProtocolId,
            };
            var diagnostics = Translate(record.Diagnostics);
            var occurrences = Translate(record.Occurrences);
            scenarios.Add(scenario);
            Commit(index, new ScenarioRecord(scenario, diagnostics, occurrences));
            return true;
        }
        catch (NotReusableException)
        {
            return false;
        }
    }

    private void Commit(int index, DeclarationRecord record)
    {
        if (!record.Diagnostics.IsEmpty)
        {
            _diagnostics.AddRange(record.Diagnostics);
        }

        foreach (var occurrence in record.Occurrences)
        {
            _occurrences.Add(occurrence);
        }

        _records[index] = record;
        _protocol.ReusedDeclarations++;
    }

    /// <summary>What <see cref="BoundProtocol.FindRule"/> finds: the first effective rule of the name.</summary>
    private RuleSymbol RuleNamed(string name)
    {
        if (_rulesByName is null)
        {
            _rulesByName = new Dictionary<string, RuleSymbol>(StringComparer.Ordinal);
            foreach (var rule in _protocol.Rules)
            {
                _rulesByName.TryAdd(rule.Name, rule);
            }
        }

        return _rulesByName.TryGetValue(name, out var found) ? found : throw new NotReusableException();
    }

    private static T Lookup<T>(Dictionary<string, T> table, Symbol symbol) where T : Symbol =>
        table.TryGetValue(symbol.Name, out var found) ? found : throw new NotReusableException();

    private TextSpan Map(TextSpan span) => _reuse!.TryMap(span, out var mapped) ? mapped : throw new NotReusableException();

    private ImmutableArray<Diagnostic> Translate(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.IsEmpty ? diagnostics : [.. diagnostics.Select(d => d with
        {
            Source = _tree.Text,
            Span = Map(d.Span),
            Fixes = d.Fixes.IsDefaultOrEmpty ? d.Fixes : [.. d.Fixes.Select(f => f with { Span = Map(f.Span) })],
        })];

    private ImmutableArray<SymbolOccurrence> Translate(ImmutableArray<SymbolOccurrence> occurrences)
    {
        if (occurrences.IsEmpty)
        {
            return occurrences;
        }

        var translated = new SymbolOccurrence[occurrences.Length];
        for (var i = 0; i < translated.Length; i++)
        {
            var o = occurrences[i];
            translated[i] = new SymbolOccurrence(Map(o.Span), Translate(o.Symbol), o.IsDeclaration);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(translated);
    }

    private Symbol Translate(Symbol symbol) => symbol switch
    {
        ObservationSymbol o => Lookup(_observations, o),
        ConstantSymbol c => Lookup(_constants, c),
        EventSymbol e => Lookup(_events, e),
        ReferenceSymbol r => Lookup(_references, r),
        FixtureSymbol f => Lookup(_fixtures, f),
        RuleSymbol r => RuleNamed(r.Name),
        _ => throw new NotReusableException(),
    };

    /// <summary>
    /// A bound expression of the previous version's declaration <paramref name="old"/>, for its copy <paramref name="new"/>
    /// in this version: this version's symbols and syntax nodes. Nodes that refer to neither a symbol nor a moved node
    /// are shared (bound nodes are immutable).
    /// </summary>
    private BoundExpression Translate(BoundExpression expression, RuleDeclarationSyntax old, RuleDeclarationSyntax @new)
    {
        SyntaxNode? S(SyntaxNode? node) => node is null || ReferenceEquals(old, @new) ? node : TwinInRule(node, old, @new) ?? throw new NotReusableException();
        BoundExpression T(BoundExpression e) => Translate(e, old, @new);
        var moved = !ReferenceEquals(old, @new);
        return expression switch
        {
            BoundQuantityLiteral q => moved ? q with { Syntax = S(q.Syntax) } : q,
            BoundFlagLiteral f => moved ? f with { Syntax = S(f.Syntax) } : f,
            BoundConstantReference c => new BoundConstantReference(Lookup(_constants, c.Constant), S(c.Syntax)),
            BoundObservationValue o => new BoundObservationValue(Lookup(_observations, o.Observation), S(o.Syntax)),
            BoundAggregate a => a with { Observation = Lookup(_observations, a.Observation), Syntax = S(a.Syntax) },
            BoundBaseline b => new BoundBaseline(Lookup(_observations, b.Observation), S(b.Syntax)),
            BoundWeight w => moved ? new BoundWeight(S(w.Syntax)) : w,
            BoundDoses d => moved ? d with { Syntax = S(d.Syntax) } : d,
            BoundTimeSince t => t.Event is null ? (moved ? t with { Syntax = S(t.Syntax) } : t) : new BoundTimeSince(t.Kind, Lookup(_events, t.Event), S(t.Syntax)),
            BoundBinary b => (T(b.Left), T(b.Right)) is var (left, right) && ReferenceEquals(left, b.Left) && ReferenceEquals(right, b.Right) && !moved
                ? b
                : b with { Left = left, Right = right, Syntax = S(b.Syntax) },
            BoundNot n => T(n.Operand) is var operand && ReferenceEquals(operand, n.Operand) && !moved ? n : n with { Operand = operand, Syntax = S(n.Syntax) },
            BoundNegate n => T(n.Operand) is var operand && ReferenceEquals(operand, n.Operand) && !moved ? n : n with { Operand = operand, Syntax = S(n.Syntax) },
            BoundIsFlag f => T(f.Operand) is var operand && ReferenceEquals(operand, f.Operand) && !moved ? f : f with { Operand = operand, Syntax = S(f.Syntax) },
            BoundAtLeast a => moved ? a with { Syntax = S(a.Syntax) } : a,
            BoundErrorExpression e => moved ? new BoundErrorExpression(S(e.Syntax)) : e,
            _ => expression.NodeKind switch
            {
                // every kind not matched above (no _: a new kind must be placed here or above)
                BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                    or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                    or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => throw new NotReusableException(),
            },
        };
    }

    /// <summary>The node of <paramref name="new"/> that is the moved copy of <paramref name="target"/>, a node of <paramref name="old"/>'s expressions.</summary>
    private static SyntaxNode? TwinInRule(SyntaxNode target, RuleDeclarationSyntax old, RuleDeclarationSyntax @new)
    {
        if (old.Conditions.Length != @new.Conditions.Length || old.Clauses.Length != @new.Clauses.Length)
        {
            return null;
        }

        for (var i = 0; i < old.Conditions.Length; i++)
        {
            if (Twin(target, old.Conditions[i], @new.Conditions[i]) is { } found)
            {
                return found;
            }
        }

        for (var i = 0; i < old.Clauses.Length; i++)
        {
            var found = (old.Clauses[i], @new.Clauses[i]) switch
            {
                (UntilClauseSyntax o, UntilClauseSyntax n) => Twin(target, o.Condition, n.Condition),
                (CorrectionClauseSyntax o, CorrectionClauseSyntax n) => Twin(target, o.Condition, n.Condition),
                _ => null,
            };
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The node of <paramref name="new"/> at the place of <paramref name="target"/> in <paramref name="old"/> (the same shape, moved), or null.</summary>
    private static SyntaxNode? Twin(SyntaxNode target, SyntaxNode old, SyntaxNode @new)
    {
        if (ReferenceEquals(target, old))
        {
            return @new;
        }

        if (!old.Span.Contains(target.Span))
        {
            return null;
        }

        switch (old, @new)
        {
            case (BinaryExpressionSyntax o, BinaryExpressionSyntax n):
                return Twin(target, o.Left, n.Left) ?? Twin(target, o.Right, n.Right);
            case (NotExpressionSyntax o, NotExpressionSyntax n):
                return Twin(target, o.Operand, n.Operand);
            case (NegateExpressionSyntax o, NegateExpressionSyntax n):
                return Twin(target, o.Operand, n.Operand);
            case (IsFlagExpressionSyntax o, IsFlagExpressionSyntax n):
                return Twin(target, o.Operand, n.Operand);
            case (ParenthesizedExpressionSyntax o, ParenthesizedExpressionSyntax n):
                return Twin(target, o.Inner, n.Inner);
            case (CallExpressionSyntax o, CallExpressionSyntax n) when o.Arguments.Length == n.Arguments.Length:
                for (var i = 0; i < o.Arguments.Length; i++)
                {
                    if (o.Arguments[i] is ExpressionArgumentSyntax oa && n.Arguments[i] is ExpressionArgumentSyntax na && Twin(target, oa.Expression, na.Expression) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
