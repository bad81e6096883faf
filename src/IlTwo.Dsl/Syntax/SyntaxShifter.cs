using System.Collections.Immutable;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>
/// Moves a declaration's nodes by a number of characters: a declaration after an edit is the same syntax, only further
/// along (or earlier in) the text, so the incremental parse reuses it moved instead of parsing it again. Every span of
/// every node is moved; a node kind added without a case here throws, and the differential tests catch it.
/// </summary>
internal static class SyntaxShifter
{
    public static DeclarationSyntax Shift(DeclarationSyntax declaration, int delta) => delta == 0 ? declaration : new Shifter(delta).Declaration(declaration);

    private sealed class Shifter(int delta)
    {
        private TextSpan S(TextSpan span) => new(span.Start + delta, span.Length);

        public DeclarationSyntax Declaration(DeclarationSyntax node) => node switch
        {
            ProtocolDeclarationSyntax d => d with { Name = Name(d.Name), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            TitleDeclarationSyntax d => d with { Title = String(d.Title), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            VersionDeclarationSyntax d => d with { VersionSpan = S(d.VersionSpan), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ExtendsDeclarationSyntax d => d with { Name = Name(d.Name), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ClaimDeclarationSyntax d => d with { Target = Name(d.Target), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ReferenceDeclarationSyntax d => d with { Name = Name(d.Name), Title = String(d.Title), Doi = String(d.Doi), Url = String(d.Url), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            EventDeclarationSyntax d => d with { Name = Name(d.Name), Title = String(d.Title), Codes = Strings(d.Codes), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ConstantDeclarationSyntax d => d with { Name = Name(d.Name), Value = Expression(d.Value), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            RegimenDeclarationSyntax d => d with { Items = [.. d.Items.Select(RegimenItem)], KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ObservationDeclarationSyntax d => d with { Name = Name(d.Name), Title = String(d.Title), Items = [.. d.Items.Select(ObservationItem)], KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            RuleDeclarationSyntax d => d with
            {
                Name = Name(d.Name),
                Title = String(d.Title),
                Conditions = [.. d.Conditions.Select(Expression)],
                Citations = [.. d.Citations.Select(Citation)],
                Clauses = [.. d.Clauses.Select(Clause)],
                KeywordSpan = S(d.KeywordSpan),
                Span = S(d.Span),
            },
            RemoveRuleDeclarationSyntax d => d with { Name = Name(d.Name), Reason = String(d.Reason), KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            ScenarioDeclarationSyntax d => d with
            {
                Title = String(d.Title),
                Fixture = NameOrNull(d.Fixture),
                Reason = String(d.Reason),
                Items = [.. d.Items.Select(ScenarioItem)],
                KeywordSpan = S(d.KeywordSpan),
                Span = S(d.Span),
            },
            FixtureDeclarationSyntax d => d with { Name = Name(d.Name), Base = NameOrNull(d.Base), Items = [.. d.Items.Select(ScenarioItem)], KeywordSpan = S(d.KeywordSpan), Span = S(d.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private RegimenItemSyntax RegimenItem(RegimenItemSyntax node) => node switch
        {
            DrugItemSyntax i => i with { Drug = Name(i.Drug), Codes = Strings(i.Codes), Span = S(i.Span) },
            DoseItemSyntax i => i with { Dose = Quantity(i.Dose), Span = S(i.Span) },
            RouteItemSyntax i => i with { Route = Name(i.Route), Span = S(i.Span) },
            IntervalItemSyntax i => i with { Shortest = Quantity(i.Shortest), Longest = QuantityOrNull(i.Longest), Span = S(i.Span) },
            MaxDosesItemSyntax i => i with { Count = Quantity(i.Count), Span = S(i.Span) },
            FirstDoseWindowItemSyntax i => i with { Earliest = Quantity(i.Earliest), Latest = Quantity(i.Latest), Event = Name(i.Event), Span = S(i.Span) },
            RegimenCitationItemSyntax i => i with { Citation = Citation(i.Citation), Span = S(i.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private ObservationItemSyntax ObservationItem(ObservationItemSyntax node) => node switch
        {
            LoincItemSyntax i => i with { CodeSpan = S(i.CodeSpan), Span = S(i.Span) },
            UnitItemSyntax i => i with { Unit = Unit(i.Unit), Span = S(i.Span) },
            WithinItemSyntax i => i with { Window = Quantity(i.Window), Span = S(i.Span) },
            RangeItemSyntax i => i with { Low = Quantity(i.Low), High = Quantity(i.High), Span = S(i.Span) },
            MolarMassItemSyntax i => i with { MolarMass = Quantity(i.MolarMass), Span = S(i.Span) },
            ReportedToItemSyntax i => i with { Precision = Quantity(i.Precision), Span = S(i.Span) },
            OptionalItemSyntax i => i with { Span = S(i.Span) },
            RequiredItemSyntax i => i with { Span = S(i.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private RuleClauseSyntax Clause(RuleClauseSyntax node) => node switch
        {
            UntilClauseSyntax c => c with { Condition = Expression(c.Condition), KeywordSpan = S(c.KeywordSpan), Span = S(c.Span) },
            PersistenceClauseSyntax c => c with { Duration = Quantity(c.Duration), KeywordSpan = S(c.KeywordSpan), Span = S(c.Span) },
            CorrectionClauseSyntax c => c with { Condition = Expression(c.Condition), KeywordSpan = S(c.KeywordSpan), Span = S(c.Span) },
            GroupClauseSyntax c => c with { Groups = [.. c.Groups.Select(Name)], KeywordSpan = S(c.KeywordSpan), Span = S(c.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private CitationSyntax Citation(CitationSyntax node) => node switch
        {
            CiteSyntax c => c with { Reference = Name(c.Reference), Locator = String(c.Locator), Span = S(c.Span) },
            UnverifiedSyntax c => c with { Note = String(c.Note), Span = S(c.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private ScenarioItemSyntax ScenarioItem(ScenarioItemSyntax node) => node switch
        {
            ScenarioWeightSyntax i => i with { Weight = Quantity(i.Weight), Span = S(i.Span) },
            ScenarioEventSyntax i => i with { Event = Name(i.Event), Ago = Quantity(i.Ago), Span = S(i.Span) },
            ScenarioDoseSyntax i => i with { Ago = Quantity(i.Ago), Span = S(i.Span) },
            ScenarioObservationSyntax i => i with { Observation = Name(i.Observation), Value = QuantityOrNull(i.Value), ValueSpan = S(i.ValueSpan), Ago = Quantity(i.Ago), Span = S(i.Span) },
            ScenarioExpectSyntax i => i with { Rules = [.. i.Rules.Select(Name)], Span = S(i.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private ExpressionSyntax Expression(ExpressionSyntax node) => node switch
        {
            BinaryExpressionSyntax e => e with { Left = Expression(e.Left), OperatorSpan = S(e.OperatorSpan), Right = Expression(e.Right), Span = S(e.Span) },
            NotExpressionSyntax e => e with { Operand = Expression(e.Operand), Span = S(e.Span) },
            NegateExpressionSyntax e => e with { Operand = Expression(e.Operand), Span = S(e.Span) },
            IsFlagExpressionSyntax e => e with { Operand = Expression(e.Operand), Span = S(e.Span) },
            ParenthesizedExpressionSyntax e => e with { Inner = Expression(e.Inner), Span = S(e.Span) },
            QuantityExpressionSyntax e => e with { Quantity = Quantity(e.Quantity), Span = S(e.Span) },
            FlagLiteralExpressionSyntax e => e with { Span = S(e.Span) },
            NameExpressionSyntax e => e with { Name = Name(e.Name), Span = S(e.Span) },
            CallExpressionSyntax e => e with { Function = Name(e.Function), Arguments = [.. e.Arguments.Select(Argument)], OpenParenSpan = S(e.OpenParenSpan), Span = S(e.Span) },
            WeightExpressionSyntax e => e with { Span = S(e.Span) },
            DosesExpressionSyntax e => e with { Span = S(e.Span) },
            TimeSinceExpressionSyntax e => e with { Event = NameOrNull(e.Event), Span = S(e.Span) },
            AtLeastExpressionSyntax e => e with { Count = Quantity(e.Count), Group = Name(e.Group), Span = S(e.Span) },
            ErrorExpressionSyntax e => e with { Span = S(e.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private ArgumentSyntax Argument(ArgumentSyntax node) => node switch
        {
            ExpressionArgumentSyntax a => a with { Expression = Expression(a.Expression), Span = S(a.Span) },
            WindowArgumentSyntax a => a with { Window = Quantity(a.Window), Span = S(a.Span) },
            _ => throw new InvalidOperationException($"SyntaxShifter has no case for {node.GetType().Name}."),
        };

        private NameSyntax Name(NameSyntax node) => node with { Span = S(node.Span) };

        private NameSyntax? NameOrNull(NameSyntax? node) => node is null ? null : Name(node);

        private StringLiteralSyntax? String(StringLiteralSyntax? node) => node is null ? null : node with { Span = S(node.Span) };

        private ImmutableArray<StringLiteralSyntax> Strings(ImmutableArray<StringLiteralSyntax> nodes) => [.. nodes.Select(n => n with { Span = S(n.Span) })];

        private UnitSyntax? Unit(UnitSyntax? node) => node is null ? null : node with { Span = S(node.Span) };

        private QuantitySyntax Quantity(QuantitySyntax node) => node with { NumberSpan = S(node.NumberSpan), Unit = Unit(node.Unit), Span = S(node.Span) };

        private QuantitySyntax? QuantityOrNull(QuantitySyntax? node) => node is null ? null : Quantity(node);
    }
}
