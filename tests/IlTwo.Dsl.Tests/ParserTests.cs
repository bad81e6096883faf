using System.Text.RegularExpressions;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Syntax.Generated;
using IlTwo.Dsl.Tests.Infrastructure;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests;

public sealed class ParserTests
{
    private static SyntaxTree Parse(string text)
    {
        var tree = SyntaxTree.Parse(text, "test.il2");
        return tree;
    }

    private static SyntaxTree ParseClean(string text)
    {
        var tree = Parse(text);
        Assert.True(tree.Diagnostics.IsEmpty, string.Join("\n", tree.Diagnostics.Select(d => d.ToCompilerFormat())));
        return tree;
    }

    private static T Single<T>(SyntaxTree tree) where T : SyntaxNode => Assert.Single(tree.Root.DescendantsAndSelf().OfType<T>());

    // ------------------------------------------------------------ declarations

    [Fact]
    public void Header_Declarations()
    {
        var tree = ParseClean(ParserInputs.Header);
        var d = tree.Root.Declarations;

        Assert.Equal("hd-il2", Assert.IsType<ProtocolDeclarationSyntax>(d[0]).Name.Text);
        Assert.Equal("High-dose IL-2", Assert.IsType<TitleDeclarationSyntax>(d[1]).Title!.Value);
        var version = Assert.IsType<VersionDeclarationSyntax>(d[2]);
        Assert.Equal("1.2.3-rc.1", version.VersionText);
        Assert.Equal("1.2.3-rc.1", tree.Text.ToString(version.VersionSpan));
        Assert.Equal("base-protocol", Assert.IsType<ExtendsDeclarationSyntax>(d[3]).Name.Text);
        var reference = Assert.IsType<ReferenceDeclarationSyntax>(d[4]);
        Assert.Equal(("dutcher-2014", "Dutcher 2014", "10.1186/x", "https://example.org"), (reference.Name.Text, reference.Title!.Value, reference.Doi!.Value, reference.Url!.Value));
        var plain = Assert.IsType<ReferenceDeclarationSyntax>(d[5]);
        Assert.Null(plain.Doi);
        Assert.Null(plain.Url);
        Assert.Equal(("til-infusion", "TIL infusion"), (Assert.IsType<EventDeclarationSyntax>(d[6]).Name.Text, ((EventDeclarationSyntax)d[6]).Title!.Value));
        Assert.Equal(["http://snomed.info/sct|123", "456"], ((EventDeclarationSyntax)d[6]).Codes.Select(c => c.Value));
        Assert.Null(Assert.IsType<EventDeclarationSyntax>(d[7]).Title);
        Assert.Empty(((EventDeclarationSyntax)d[7]).Codes);
        Assert.Equal("base-protocol", Assert.IsType<ClaimDeclarationSyntax>(d[8]).Target.Text);
        Assert.Equal("protocol", tree.Text.ToString(d[0].KeywordSpan));
    }

    [Fact]
    public void Regimen_EveryItem()
    {
        var tree = ParseClean(ParserInputs.Regimen);
        var items = Assert.IsType<RegimenDeclarationSyntax>(Assert.Single(tree.Root.Declarations)).Items;

        Assert.Equal("aldesleukin", Assert.IsType<DrugItemSyntax>(items[0]).Drug.Text);
        Assert.Equal(["http://www.nlm.nih.gov/research/umls/rxnorm|1000"], ((DrugItemSyntax)items[0]).Codes.Select(c => c.Value));
        var dose = Assert.IsType<DoseItemSyntax>(items[1]).Dose;
        Assert.Equal((600000.0, "[iU]/kg"), (dose.Value, dose.Unit!.Code));
        Assert.Equal("intravenous", Assert.IsType<RouteItemSyntax>(items[2]).Route.Text);
        var every = Assert.IsType<IntervalItemSyntax>(items[3]);
        Assert.Equal("8 h", every.Shortest.ToString());
        Assert.Null(every.Longest);
        Assert.Equal("12 h", Assert.IsType<IntervalItemSyntax>(items[4]).Longest!.ToString());
        var perCycle = Assert.IsType<MaxDosesItemSyntax>(items[5]);
        Assert.Equal((14.0, DoseLimitScope.Cycle), (perCycle.Count.Value, perCycle.Scope));
        Assert.Equal(DoseLimitScope.Course, Assert.IsType<MaxDosesItemSyntax>(items[6]).Scope);
        var first = Assert.IsType<FirstDoseWindowItemSyntax>(items[7]);
        Assert.Equal(("3 h", "24 h", "til-infusion"), (first.Earliest.ToString(), first.Latest.ToString(), first.Event.Text));
        var cite = Assert.IsType<CiteSyntax>(Assert.IsType<RegimenCitationItemSyntax>(items[8]).Citation);
        Assert.Equal(("dutcher-2014", "Table 1"), (cite.Reference.Text, cite.Locator!.Value));
        Assert.Null(Assert.IsType<CiteSyntax>(((RegimenCitationItemSyntax)items[9]).Citation).Locator);
        Assert.Equal("not checked", Assert.IsType<UnverifiedSyntax>(((RegimenCitationItemSyntax)items[10]).Citation).Note!.Value);
        Assert.Null(Assert.IsType<UnverifiedSyntax>(((RegimenCitationItemSyntax)items[11]).Citation).Note);
    }

    [Fact]
    public void Observations_EveryItem_AndConstants()
    {
        var tree = ParseClean(ParserInputs.Observations);
        var d = tree.Root.Declarations;

        var sbp = Assert.IsType<ObservationDeclarationSyntax>(d[0]);
        Assert.Equal(("sbp", "Systolic blood pressure", false), (sbp.Name.Text, sbp.Title!.Value, sbp.IsYesNo));
        Assert.Equal("8480-6", Assert.IsType<LoincItemSyntax>(sbp.Items[0]).Code);
        Assert.Equal("mm[Hg]", Assert.IsType<UnitItemSyntax>(sbp.Items[1]).Unit!.Code);
        Assert.Equal("4 h", Assert.IsType<WithinItemSyntax>(sbp.Items[2]).Window.ToString());
        var range = Assert.IsType<RangeItemSyntax>(sbp.Items[3]);
        Assert.Equal(("40 mm[Hg]", "250 mm[Hg]"), (range.Low.ToString(), range.High.ToString()));
        Assert.Equal("113.12 g/mol", Assert.IsType<MolarMassItemSyntax>(sbp.Items[4]).MolarMass.ToString());
        Assert.Equal("1 mm[Hg]", Assert.IsType<ReportedToItemSyntax>(sbp.Items[5]).Precision.ToString());
        Assert.IsType<OptionalItemSyntax>(sbp.Items[6]);
        Assert.True(Assert.IsType<ObservationDeclarationSyntax>(d[1]).IsYesNo);
        Assert.Null(Assert.IsType<ObservationDeclarationSyntax>(d[2]).Title);
        var constant = Assert.IsType<ConstantDeclarationSyntax>(d[3]);
        Assert.Equal(("limit", "(x 2 4mL/kg)"), (constant.Name.Text, ExpressionShape.Of(constant.Value)));
    }

    [Fact]
    public void Rules_ActionsOverridesCitationsAndRemovals()
    {
        var tree = ParseClean(ParserInputs.Rules);
        var d = tree.Root.Declarations;

        var hold = Assert.IsType<RuleDeclarationSyntax>(d[0]);
        Assert.Equal((false, RuleAction.Hold, "low-sbp", "Low SBP"), (hold.IsOverride, hold.Action, hold.Name.Text, hold.Title!.Value));
        Assert.Equal("(< sbp 90mm[Hg])", ExpressionShape.Of(Assert.Single(hold.Conditions)));
        Assert.Collection(hold.Citations, c => Assert.IsType<CiteSyntax>(c), c => Assert.IsType<UnverifiedSyntax>(c));
        Assert.Equal("hold", tree.Text.ToString(hold.KeywordSpan));
        var discontinue = Assert.IsType<RuleDeclarationSyntax>(d[1]);
        Assert.Equal(RuleAction.Discontinue, discontinue.Action);
        Assert.Null(discontinue.Title);
        Assert.Empty(discontinue.Citations);
        var over = Assert.IsType<RuleDeclarationSyntax>(d[2]);
        Assert.True(over.IsOverride);
        Assert.Equal("override", tree.Text.ToString(over.KeywordSpan));
        Assert.Equal("(is confusion yes)", ExpressionShape.Of(over.Conditions[0]));
        var overStop = Assert.IsType<RuleDeclarationSyntax>(d[3]);
        Assert.Equal((true, RuleAction.Discontinue, "(is-not confusion no)"), (overStop.IsOverride, overStop.Action, ExpressionShape.Of(overStop.Conditions[0])));
        var remove = Assert.IsType<RemoveRuleDeclarationSyntax>(d[4]);
        Assert.Equal(("old-rule", "superseded"), (remove.Name.Text, remove.Reason!.Value));
        Assert.Null(Assert.IsType<RemoveRuleDeclarationSyntax>(d[5]).Reason);
    }

    [Fact]
    public void Course_OverrideObservationClausesCountsAndSlotCaps()
    {
        var tree = ParseClean(ParserInputs.Course);
        var d = tree.Root.Declarations;

        var cap = Assert.IsType<MaxDosesItemSyntax>(Assert.Single(Assert.IsType<RegimenDeclarationSyntax>(d[0]).Items));
        Assert.Equal((true, DoseLimitScope.Course, 6.0), (cap.CountsSlots, cap.Scope, cap.Count.Value));

        var observation = Assert.IsType<ObservationDeclarationSyntax>(d[1]);
        Assert.True(observation.IsOverride);
        Assert.Equal("override", tree.Text.ToString(observation.KeywordSpan));
        Assert.Collection(observation.Items, i => Assert.IsType<LoincItemSyntax>(i), i => Assert.IsType<WithinItemSyntax>(i), i => Assert.IsType<RequiredItemSyntax>(i));

        var hold = Assert.IsType<RuleDeclarationSyntax>(d[2]);
        Assert.Equal("(>= sbp 90mm[Hg])", ExpressionShape.Of(Assert.IsType<UntilClauseSyntax>(hold.Clauses[0]).Condition));
        Assert.Equal(["relative", "haemodynamic"], Assert.IsType<GroupClauseSyntax>(hold.Clauses[1]).Groups.Select(g => g.Text));
        Assert.Equal(["other"], Assert.IsType<GroupClauseSyntax>(hold.Clauses[2]).Groups.Select(g => g.Text));

        var stop = Assert.IsType<RuleDeclarationSyntax>(d[3]);
        var count = Assert.IsType<AtLeastExpressionSyntax>(Assert.Single(stop.Conditions));
        Assert.Equal((3.0, "relative"), (count.Count.Value, count.Group.Text));
        Assert.Equal(2.0, Assert.IsType<PersistenceClauseSyntax>(stop.Clauses[0]).Duration.Value);
        Assert.Equal("(>= sbp 90mm[Hg])", ExpressionShape.Of(Assert.IsType<CorrectionClauseSyntax>(stop.Clauses[1]).Condition));
    }

    [Fact]
    public void Scenarios_FixturesAndEveryItem()
    {
        var tree = ParseClean(ParserInputs.Scenarios);
        var d = tree.Root.Declarations;

        var stable = Assert.IsType<FixtureDeclarationSyntax>(d[0]);
        Assert.Equal("stable", stable.Name.Text);
        Assert.Null(stable.Base);
        Assert.Equal("70 kg", Assert.IsType<ScenarioWeightSyntax>(stable.Items[0]).Weight.ToString());
        var @event = Assert.IsType<ScenarioEventSyntax>(stable.Items[1]);
        Assert.Equal(("til-infusion", "20 h"), (@event.Event.Text, @event.Ago.ToString()));
        Assert.True(Assert.IsType<ScenarioDoseSyntax>(stable.Items[2]).Given);
        Assert.False(Assert.IsType<ScenarioDoseSyntax>(stable.Items[3]).Given);
        var value = Assert.IsType<ScenarioObservationSyntax>(stable.Items[4]);
        Assert.Equal(("sbp", "118 mm[Hg]", (bool?)null, "1 h"), (value.Observation.Text, value.Value!.ToString(), value.Flag, value.Ago.ToString()));
        Assert.Equal("118 mm[Hg]", tree.Text.ToString(value.ValueSpan));
        Assert.Equal(false, Assert.IsType<ScenarioObservationSyntax>(stable.Items[5]).Flag);
        Assert.Equal(true, Assert.IsType<ScenarioObservationSyntax>(stable.Items[6]).Flag);
        Assert.Equal("stable", Assert.IsType<FixtureDeclarationSyntax>(d[1]).Base!.Text);

        var gives = Assert.IsType<ScenarioDeclarationSyntax>(d[2]);
        Assert.Equal(("gives", "stable"), (gives.Title!.Value, gives.Fixture!.Text));
        var give = Assert.IsType<ScenarioExpectSyntax>(Assert.Single(gives.Items));
        Assert.Equal((ExpectedAction.Give, false), (give.Action, give.HasBecause));
        var holds = Assert.IsType<ScenarioDeclarationSyntax>(d[3]);
        Assert.Null(holds.Fixture);
        var hold = Assert.IsType<ScenarioExpectSyntax>(holds.Items[1]);
        Assert.Equal((ExpectedAction.Hold, true, "low-sbp"), (hold.Action, hold.HasBecause, Assert.Single(hold.Rules).Text));
        var stop = Assert.IsType<ScenarioExpectSyntax>(Assert.Single(((ScenarioDeclarationSyntax)d[4]).Items));
        Assert.Equal(ExpectedAction.Discontinue, stop.Action);
        Assert.Equal(["severe", "low-sbp"], stop.Rules.Select(r => r.Text));
    }

    // ------------------------------------------------------------ expressions

    [Fact]
    public void Precedence_NotBindsTighterThanAnd_AndTighterThanOr()
    {
        var rule = Assert.IsType<RuleDeclarationSyntax>(ParseClean(ParserInputs.Precedence).Root.Declarations[0]);

        // not a < 1 and b is yes or c > 2  ==  ((not (a < 1)) and (b is yes)) or (c > 2)
        Assert.Equal("(or (and (not (< a 1)) (is b yes)) (> c 2))", ExpressionShape.Of(rule.Conditions[0]));
    }

    [Fact]
    public void Expressions_EveryForm()
    {
        var rule = Assert.IsType<RuleDeclarationSyntax>(ParseClean(ParserInputs.Expressions).Root.Declarations[0]);

        Assert.Equal(
            [
                "(and (< (neg sbp) (neg 90mm[Hg])) (> (/ (x (x 2 sbp) 3) 4) (- (+ 1mm[Hg] 2mm[Hg]) 3mm[Hg])))",
                "(or (or (or (<= sbp 1mm[Hg]) (>= sbp 2mm[Hg])) (= sbp 3mm[Hg])) (!= sbp 4mm[Hg]))",
                "(and (and (not [(is confusion yes)]) yes) (not no))",
                "(and (< sum(urine, last 8 h) (x limit weight)) (> latest(sbp) baseline(sbp)))",
                "(or (or (>= doses-given 3) (> doses-held 1)) (> since-last-dose 8h))",
                "(or (> since-first-dose 2d) (and (< since-til-infusion 24h) (> count(y, last 2 h) 0)))",
                "(> f() 1)",
            ],
            rule.Conditions.Select(ExpressionShape.Of));
    }

    [Theory]
    [InlineData("a - b - c", "(- (- a b) c)")]
    [InlineData("a / b x c", "(x (/ a b) c)")]
    [InlineData("a + b x c", "(+ a (x b c))")]
    [InlineData("a and b or c and d", "(or (and a b) (and c d))")]
    [InlineData("not a and b", "(and (not a) b)")]
    [InlineData("not a is yes", "(not (is a yes))")]
    [InlineData("a + 1 < b is no", "(is (< (+ a 1) b) no)")]
    [InlineData("- a x b", "(x (neg a) b)")]
    [InlineData("(a or b) and c", "(and [(or a b)] c)")]
    [InlineData("1.5e3 mg/dL < a", "(< 1.5e3mg/dL a)")]
    public void Expressions_PrecedenceAndAssociativity(string condition, string shape)
    {
        var rule = Assert.IsType<RuleDeclarationSyntax>(ParseClean($"hold rule r {{\n  when {condition}\n}}").Root.Declarations[0]);

        Assert.Equal(shape, ExpressionShape.Of(rule.Conditions[0]));
    }

    [Fact]
    public void Spans_CoverTheSourceText()
    {
        var tree = ParseClean(ParserInputs.Expressions);
        var call = tree.Root.DescendantsAndSelf().OfType<CallExpressionSyntax>().First();
        var binary = tree.Root.DescendantsAndSelf().OfType<BinaryExpressionSyntax>().First(b => b.Operator == BinaryOperator.Multiply && b.Right is QuantityExpressionSyntax { Quantity.NumberText: "3" });

        Assert.Equal("sum(urine, last 8 h)", tree.Text.ToString(call.Span));
        Assert.Equal("(", tree.Text.ToString(call.OpenParenSpan));
        Assert.Equal("*", tree.Text.ToString(binary.OperatorSpan));
        Assert.All(tree.Root.DescendantsAndSelf(), n => Assert.True(n.Span.End <= tree.Text.Length));
        // Children lie inside their parent.
        Assert.All(tree.Root.DescendantsAndSelf(), n => Assert.All(n.Children, c => Assert.True(n.Span.Contains(c.Span), $"{SyntaxDumper.Kind(c)} outside {SyntaxDumper.Kind(n)}")));
    }

    [Fact]
    public void Tokens_IncludeComments_AndAreClassified()
    {
        var tree = ParseClean("protocol p // the id\ntitle \"T\"\nversion 1.0.0\nobservation s { loinc 8480-6 unit mm[Hg] within 4 h }");

        Assert.Equal(
            [TokenKind.Keyword, TokenKind.Name, TokenKind.Comment, TokenKind.Keyword, TokenKind.String, TokenKind.Keyword, TokenKind.Version],
            tree.Tokens.Take(7).Select(t => t.Kind));
        Assert.Contains(tree.Tokens, t => t.Kind == TokenKind.LoincCode && t.Text == "8480-6");
        Assert.Contains(tree.Tokens, t => t.Kind == TokenKind.Unit && t.Text == "mm[Hg]");
        Assert.Equal(1, tree.FindTokenIndex(10));
    }

    [Fact]
    public void StringEscapes_AreResolved()
    {
        var tree = ParseClean("title \"a \\\"quoted\\\" word\\n\\\\ \\t\"");

        Assert.Equal("a \"quoted\" word\n\\ \t", Assert.IsType<TitleDeclarationSyntax>(tree.Root.Declarations[0]).Title!.Value);
    }

    // ------------------------------------------------------------ error tolerance

    public static TheoryData<string> BrokenInputs() => [.. ParserInputs.Broken];

    [Theory]
    [MemberData(nameof(BrokenInputs))]
    public void BrokenInput_GivesATreeAndLocatedDiagnostics(string text)
    {
        var tree = Parse(text);

        Assert.NotNull(tree.Root);
        Assert.Contains(tree.Diagnostics, d => d.IsError);
        Assert.All(tree.Diagnostics, d => Assert.InRange(d.Span.End, 0, text.Length));
        Assert.All(tree.Root.DescendantsAndSelf(), n => Assert.InRange(n.Span.End, 0, text.Length));
    }

    [Fact]
    public void MissingPieces_BecomeMissingNamesAndErrorExpressions()
    {
        var tree = Parse("hold rule r {\n  when sbp <\n}\nhold rule {\n}\n");
        var rules = tree.Root.OfKind<RuleDeclarationSyntax>().ToList();

        var condition = Assert.IsType<BinaryExpressionSyntax>(Assert.Single(rules[0].Conditions));
        Assert.IsType<ErrorExpressionSyntax>(condition.Right);
        Assert.True(rules[1].Name.IsMissing);
        Assert.Contains(tree.Diagnostics, d => d.Code == "IL0003" && d.Message.Contains("a value", StringComparison.Ordinal));
    }

    [Fact]
    public void ReservedWordAsName_SaysSo()
    {
        var tree = Parse("protocol x\n");

        var error = Assert.Single(tree.Diagnostics);
        Assert.Equal("unexpected 'x'; expected a name ('x' is a reserved word and cannot be used as a name)", error.Message);
    }

    [Fact]
    public void EveryPrefixOfAShippedProtocol_ParsesAndBinds_WithoutExceptions()
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Protocols, "hd-il2-monotherapy.il2"));
        for (var length = 0; length <= text.Length; length += length < 4000 ? 3 : 97)
        {
            var prefix = text[..length];
            var compilation = Compilation.ProtocolCompilation.Create(SourceText.From(prefix, "prefix.il2"), NoResolver.Instance);
            Assert.All(compilation.Diagnostics, d => Assert.InRange(d.Span.End, 0, prefix.Length));
        }
    }

    private sealed class NoResolver : Compilation.IProtocolSourceResolver
    {
        public static NoResolver Instance { get; } = new();

        public SourceText? Resolve(string protocolId, SourceText requestingFile) => null;
    }

    // ------------------------------------------------------------ grammar coverage guard

    [Fact]
    public void EveryGrammarRuleAndAlternative_AppearsInAParserTestInput()
    {
        var grammar = File.ReadAllText(TestPaths.Grammar);
        var parserRules = Regex.Matches(grammar, @"^([a-z]\w*)\s*(?:\r?\n\s*)?:", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var labels = Regex.Matches(grammar, @"#\s*([a-z]\w*)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

        // The generated parser is in step with the grammar.
        Assert.Equal(parserRules.Order(StringComparer.Ordinal), Il2Parser.ruleNames.Order(StringComparer.Ordinal));

        var seenRules = new HashSet<string>();
        var seenContexts = new HashSet<string>();
        foreach (var input in ParserInputs.All)
        {
            var parser = new Il2Parser(new CommonTokenStream(new Il2Lexer(new AntlrInputStream(input))));
            parser.RemoveErrorListeners();
            Walk(parser.protocolFile());
        }

        var unusedRules = parserRules.Where(r => !seenRules.Contains(r)).Order(StringComparer.Ordinal).ToList();
        var unusedLabels = labels.Where(l => !seenContexts.Contains(char.ToUpperInvariant(l[0]) + l[1..] + "Context")).Order(StringComparer.Ordinal).ToList();
        Assert.True(unusedRules.Count == 0, "grammar rules in no parser test input: " + string.Join(", ", unusedRules));
        Assert.True(unusedLabels.Count == 0, "alternatives in no parser test input: " + string.Join(", ", unusedLabels));

        void Walk(IParseTree node)
        {
            if (node is ParserRuleContext context)
            {
                seenRules.Add(Il2Parser.ruleNames[context.RuleIndex]);
                seenContexts.Add(context.GetType().Name);
            }
            for (var i = 0; i < node.ChildCount; i++)
            {
                Walk(node.GetChild(i));
            }
        }
    }

    [Fact]
    public void EveryKeyword_AppearsInAParserTestInput()
    {
        var words = ParserInputs.All.SelectMany(i => Regex.Matches(i, @"[a-z/]+").Select(m => m.Value)).ToHashSet();

        var missing = TokenClassifier.Keywords.Where(k => !words.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "keywords in no parser test input: " + string.Join(", ", missing));
    }
}
