using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax.Generated;
using IlTwo.Dsl.Text;
using P = IlTwo.Dsl.Syntax.Generated.Il2Parser;

namespace IlTwo.Dsl.Syntax;

/// <summary>
/// Converts the ANTLR parse tree into our immutable syntax nodes. Recovery leaves holes in the parse tree
/// (null children, missing tokens); every hole becomes a missing name or an error expression, never an exception.
/// </summary>
internal sealed class SyntaxTreeBuilder(SourceText text, DiagnosticBag diagnostics)
{
    /// <summary>Operator chains deeper than this are cut off: our later stages recurse over expressions.</summary>
    public const int MaxExpressionDepth = 256;

    private int _depth;
    private bool _reportedDepth;

    public ProtocolFileSyntax Build(P.ProtocolFileContext context) => new(BuildDeclarations(context), new TextSpan(0, text.Length));

    public ImmutableArray<DeclarationSyntax> BuildDeclarations(P.ProtocolFileContext context)
    {
        var declarations = ImmutableArray.CreateBuilder<DeclarationSyntax>();
        foreach (var declaration in context.declaration())
        {
            var node = Declaration(declaration);
            if (node is not null)
            {
                declarations.Add(node);
            }
        }
        return declarations.ToImmutable();
    }

    private DeclarationSyntax? Declaration(P.DeclarationContext context) => context.GetChild(0) switch
    {
        P.ProtocolDeclarationContext c => new ProtocolDeclarationSyntax(Name(c.name(), c), Span(c.PROTOCOL()), Span(c)),
        P.TitleDeclarationContext c => new TitleDeclarationSyntax(String(c.@string()), Span(c.TITLE()), Span(c)),
        P.VersionDeclarationContext c => new VersionDeclarationSyntax(Text(c.VERSION_NUMBER()), SpanOrEnd(c.VERSION_NUMBER(), c), Span(c.VERSION()), Span(c)),
        P.ExtendsDeclarationContext c => new ExtendsDeclarationSyntax(Name(c.name(), c), Span(c.EXTENDS()), Span(c)),
        P.ClaimDeclarationContext c => new ClaimDeclarationSyntax(Name(c.name(), c), Span(c.CLAIM()), Span(c)),
        P.ReferenceDeclarationContext c => Reference(c),
        P.EventDeclarationContext c => new EventDeclarationSyntax(Name(c.name(), c), String(c.@string()), Codes(c.codeClause()), Span(c.EVENT()), Span(c)),
        P.RegimenDeclarationContext c => new RegimenDeclarationSyntax([.. c.regimenItem().Select(RegimenItem).OfType<RegimenItemSyntax>()], Span(c.REGIMEN()), Span(c)),
        P.ObservationDeclarationContext c => new ObservationDeclarationSyntax(
            Name(c.name(), c), String(c.@string()), c.YESNO() is not null,
            [.. c.observationItem().Select(ObservationItem).OfType<ObservationItemSyntax>()], c.OVERRIDE() is { } over ? Span(over) : Span(c.OBSERVATION()), Span(c))
        {
            IsOverride = c.OVERRIDE() is not null,
        },
        P.ConstantDeclarationContext c => new ConstantDeclarationSyntax(Name(c.name(), c), Expression(c.expression(), c), Span(c.CONST()), Span(c)),
        P.RuleDeclarationContext c => Rule(c),
        P.RemoveRuleDeclarationContext c => new RemoveRuleDeclarationSyntax(Name(c.name(), c), String(c.@string()), Span(c.REMOVE()), Span(c)),
        P.ScenarioDeclarationContext c => new ScenarioDeclarationSyntax(
            String(c.title), c.USING() is null ? null : Name(c.name(), c),
            [.. c.scenarioItem().Select(ScenarioItem).OfType<ScenarioItemSyntax>()], c.OVERRIDE() is { } over ? Span(over) : Span(c.SCENARIO()), Span(c))
        {
            IsOverride = c.OVERRIDE() is not null,
            Reason = c.BECAUSE() is null ? null : String(c.reason),
        },
        P.FixtureDeclarationContext c => new FixtureDeclarationSyntax(Name(c.name(0), c), c.USING() is null ? null : Name(c.name(1), c), [.. c.scenarioItem().Select(ScenarioItem).OfType<ScenarioItemSyntax>()], Span(c.FIXTURE()), Span(c)),
        _ => null,
    };

    private static ReferenceDeclarationSyntax Reference(P.ReferenceDeclarationContext c)
    {
        StringLiteralSyntax? doi = null, url = null;
        foreach (var detail in c.referenceDetail())
        {
            if (detail.DOI() is not null)
            {
                doi = String(detail.@string());
            }
            else if (detail.URL() is not null)
            {
                url = String(detail.@string());
            }
        }
        return new ReferenceDeclarationSyntax(Name(c.name(), c), String(c.@string()), doi, url, Span(c.REFERENCE()), Span(c));
    }

    private RuleDeclarationSyntax Rule(P.RuleDeclarationContext c)
    {
        var conditions = ImmutableArray.CreateBuilder<ExpressionSyntax>();
        var citations = ImmutableArray.CreateBuilder<CitationSyntax>();
        var clauses = ImmutableArray.CreateBuilder<RuleClauseSyntax>();
        foreach (var item in c.ruleItem())
        {
            switch (item)
            {
                case P.ConditionItemContext condition:
                    conditions.Add(Expression(condition.expression(), condition));
                    break;
                case P.UntilItemContext until:
                    clauses.Add(new UntilClauseSyntax(Expression(until.expression(), until), Span(until.UNTIL()), Span(until)));
                    break;
                case P.PersistentItemContext persistent:
                    clauses.Add(new PersistenceClauseSyntax(Quantity(persistent.quantity(), persistent), Span(persistent.PERSISTENT()), Span(persistent)));
                    break;
                case P.CorrectedItemContext corrected:
                    clauses.Add(new CorrectionClauseSyntax(Expression(corrected.expression(), corrected), Span(corrected.CORRECTED()), Span(corrected)));
                    break;
                case P.GroupItemContext group:
                    clauses.Add(new GroupClauseSyntax([.. group.name().Select(n => Name(n, group))], Span(group.GROUP()), Span(group)));
                    break;
                case P.RuleCitationItemContext citation when Citation(citation.citation()) is { } cite:
                    citations.Add(cite);
                    break;
            }
        }
        var action = c.action?.Type == Il2Lexer.DISCONTINUE ? RuleAction.Discontinue : RuleAction.Hold;
        var keyword = c.OVERRIDE() is { } over ? Span(over) : c.action is null ? Span(c) : ErrorStrategySpan(c.action);
        return new RuleDeclarationSyntax(c.OVERRIDE() is not null, action, Name(c.name(), c), String(c.@string()), conditions.ToImmutable(), citations.ToImmutable(), keyword, Span(c))
        {
            Clauses = clauses.ToImmutable(),
        };
    }

    private static CitationSyntax? Citation(P.CitationContext? c) => c switch
    {
        P.CiteCitationContext cite => new CiteSyntax(Name(cite.name(), cite), String(cite.@string()), Span(cite)),
        P.UnverifiedCitationContext unverified => new UnverifiedSyntax(String(unverified.@string()), Span(unverified)),
        _ => null,
    };

    private RegimenItemSyntax? RegimenItem(P.RegimenItemContext context) => context switch
    {
        P.DrugItemContext c => new DrugItemSyntax(Name(c.name(), c), Codes(c.codeClause()), Span(c)),
        P.DoseItemContext c => new DoseItemSyntax(Quantity(c.quantity(), c), Span(c)),
        P.RouteItemContext c => new RouteItemSyntax(Name(c.name(), c), Span(c)),
        P.IntervalItemContext c => new IntervalItemSyntax(Quantity(c.quantity(0), c), c.TO() is null ? null : Quantity(c.quantity(1), c), Span(c)),
        P.MaxDosesItemContext c => new MaxDosesItemSyntax(CountQuantity(c.NUMBER(), c), c.scope?.Type == Il2Lexer.CYCLE ? DoseLimitScope.Cycle : DoseLimitScope.Course, Span(c))
        {
            CountsSlots = c.SLOTS() is not null,
        },
        P.FirstDoseWindowItemContext c => new FirstDoseWindowItemSyntax(Quantity(c.quantity(0), c), Quantity(c.quantity(1), c), Name(c.name(), c), Span(c)),
        P.RegimenCitationItemContext c when Citation(c.citation()) is { } citation => new RegimenCitationItemSyntax(citation, Span(c)),
        _ => null,
    };

    private ObservationItemSyntax? ObservationItem(P.ObservationItemContext context) => context switch
    {
        P.LoincItemContext c => new LoincItemSyntax(Text(c.LOINC_CODE()), SpanOrEnd(c.LOINC_CODE(), c), Span(c)),
        P.UnitItemContext c => new UnitItemSyntax(Unit(c.unit()), Span(c)),
        P.WithinItemContext c => new WithinItemSyntax(Quantity(c.quantity(), c), Span(c)),
        P.RangeItemContext c => new RangeItemSyntax(Quantity(c.quantity(0), c), Quantity(c.quantity(1), c), Span(c)),
        P.MolarMassItemContext c => new MolarMassItemSyntax(Quantity(c.quantity(), c), Span(c)),
        P.ReportedToItemContext c => new ReportedToItemSyntax(Quantity(c.quantity(), c), Span(c)),
        P.OptionalItemContext c => new OptionalItemSyntax(Span(c)),
        P.RequiredItemContext c => new RequiredItemSyntax(Span(c)),
        _ => null,
    };

    private ScenarioItemSyntax? ScenarioItem(P.ScenarioItemContext context)
    {
        switch (context)
        {
            case P.ScenarioWeightContext c:
                return new ScenarioWeightSyntax(Quantity(c.quantity(), c), Span(c));
            case P.ScenarioEventContext c:
                return new ScenarioEventSyntax(Name(c.name(), c), Quantity(c.quantity(), c), Span(c));
            case P.ScenarioDoseContext c:
                return new ScenarioDoseSyntax(c.status?.Type != Il2Lexer.HELD, Quantity(c.quantity(), c), Span(c));
            case P.ScenarioObservationContext c:
                {
                    var value = c.flagOrQuantity();
                    bool? flag = value?.YES() is not null ? true : value?.NO() is not null ? false : null;
                    var quantity = value?.quantity() is { } q ? Quantity(q, c) : null;
                    return new ScenarioObservationSyntax(Name(c.name(), c), quantity, flag, value is null ? new TextSpan(Span(c).End, 0) : Span(value), Quantity(c.quantity(), c), Span(c));
                }
            case P.ScenarioExpectContext c:
                {
                    var action = c.expectedAction?.Type switch
                    {
                        Il2Lexer.GIVE => ExpectedAction.Give,
                        Il2Lexer.DISCONTINUE => ExpectedAction.Discontinue,
                        _ => ExpectedAction.Hold,
                    };
                    return new ScenarioExpectSyntax(action, c.BECAUSE() is not null, [.. c.name().Select(n => Name(n, c))], Span(c));
                }
            default:
                return null;
        }
    }

    // ------------------------------------------------------------ expressions

    private ExpressionSyntax Expression(P.ExpressionContext? context, ParserRuleContext parent)
    {
        if (context is null || context.Start is null)
        {
            return new ErrorExpressionSyntax(new TextSpan(Span(parent).End, 0));
        }

        if (_depth >= MaxExpressionDepth)
        {
            if (!_reportedDepth)
            {
                _reportedDepth = true;
                diagnostics.ReportNestingTooDeep(Span(context), NestingKind.Operators, MaxExpressionDepth);
            }
            return new ErrorExpressionSyntax(Span(context));
        }

        _depth++;
        try
        {
            return context switch
            {
                P.PrimaryExpressionContext c => Primary(c.primary(), c),
                P.NegateExpressionContext c => new NegateExpressionSyntax(Expression(c.expression(), c), Span(c)),
                P.NotExpressionContext c => new NotExpressionSyntax(Expression(c.expression(), c), Span(c)),
                P.MultiplicativeExpressionContext c => Binary(c.expression(0), c.op, c.expression(1), c),
                P.AdditiveExpressionContext c => Binary(c.expression(0), c.op, c.expression(1), c),
                P.ComparisonExpressionContext c => Binary(c.expression(0), c.op, c.expression(1), c),
                P.AndExpressionContext c => Binary(c.expression(0), c.AND().Symbol, c.expression(1), c),
                P.OrExpressionContext c => Binary(c.expression(0), c.OR().Symbol, c.expression(1), c),
                P.IsFlagExpressionContext c => new IsFlagExpressionSyntax(Expression(c.expression(), c), c.NOT() is not null, c.flag?.Type != Il2Lexer.NO, Span(c)),
                _ => new ErrorExpressionSyntax(Span(context)),
            };
        }
        finally
        {
            _depth--;
        }
    }

    private BinaryExpressionSyntax Binary(P.ExpressionContext? left, IToken? op, P.ExpressionContext? right, ParserRuleContext c)
    {
        var @operator = op?.Type switch
        {
            Il2Lexer.TIMES or Il2Lexer.STAR => BinaryOperator.Multiply,
            Il2Lexer.SLASH => BinaryOperator.Divide,
            Il2Lexer.PLUS => BinaryOperator.Add,
            Il2Lexer.MINUS => BinaryOperator.Subtract,
            Il2Lexer.LT => BinaryOperator.Less,
            Il2Lexer.LE => BinaryOperator.LessOrEqual,
            Il2Lexer.GT => BinaryOperator.Greater,
            Il2Lexer.GE => BinaryOperator.GreaterOrEqual,
            Il2Lexer.EQ => BinaryOperator.Equal,
            Il2Lexer.NE => BinaryOperator.NotEqual,
            Il2Lexer.AND => BinaryOperator.And,
            _ => BinaryOperator.Or,
        };
        var opSpan = op is null ? new TextSpan(Span(c).Start, 0) : ErrorStrategySpan(op);
        return new BinaryExpressionSyntax(Expression(left, c), @operator, opSpan, Expression(right, c), Span(c));
    }

    private ExpressionSyntax Primary(P.PrimaryContext? context, ParserRuleContext parent)
    {
        switch (context)
        {
            case P.ParenthesizedPrimaryContext c:
                return new ParenthesizedExpressionSyntax(Expression(c.expression(), c), Span(c));
            case P.QuantityPrimaryContext c:
                return new QuantityExpressionSyntax(Quantity(c.quantity(), c));
            case P.FlagPrimaryContext c:
                return new FlagLiteralExpressionSyntax(c.flag?.Type == Il2Lexer.YES, Span(c));
            case P.CallPrimaryContext c:
                {
                    var arguments = ImmutableArray.CreateBuilder<ArgumentSyntax>();
                    foreach (var argument in c.argument())
                    {
                        arguments.Add(argument switch
                        {
                            P.WindowArgumentContext w => new WindowArgumentSyntax(Quantity(w.quantity(), w), Span(w)),
                            P.ExpressionArgumentContext e => new ExpressionArgumentSyntax(Expression(e.expression(), e)),
                            _ => new ExpressionArgumentSyntax(new ErrorExpressionSyntax(Span(argument))),
                        });
                    }
                    return new CallExpressionSyntax(Name(c.name(), c), arguments.ToImmutable(), SpanOrEnd(c.LPAREN(), c), Span(c));
                }
            case P.WeightPrimaryContext c:
                return new WeightExpressionSyntax(Span(c));
            case P.DosesPrimaryContext c:
                return new DosesExpressionSyntax(c.kind?.Type == Il2Lexer.HELD, Span(c));
            case P.TimeSincePrimaryContext c:
                {
                    var kind = c.LAST() is not null ? TimeSinceKind.LastDose : c.FIRST() is not null ? TimeSinceKind.FirstDose : TimeSinceKind.Event;
                    return new TimeSinceExpressionSyntax(kind, kind == TimeSinceKind.Event ? Name(c.name(), c) : null, Span(c));
                }
            case P.NamePrimaryContext c:
                return new NameExpressionSyntax(Name(c.name(), c));
            case P.AtLeastPrimaryContext c:
                return new AtLeastExpressionSyntax(CountQuantity(c.NUMBER(), c), Name(c.name(), c), Span(c));
            default:
                return new ErrorExpressionSyntax(context is null ? new TextSpan(Span(parent).End, 0) : Span(context));
        }
    }

    // ------------------------------------------------------------ atoms

    private QuantitySyntax Quantity(P.QuantityContext? context, ParserRuleContext parent)
    {
        if (context?.NUMBER() is not { } number || IsMissing(number))
        {
            var at = context is null ? new TextSpan(Span(parent).End, 0) : Span(context);
            return new QuantitySyntax(double.NaN, "", at, null, at);
        }
        var numberSpan = Span(number);
        return new QuantitySyntax(ParseNumber(number.GetText(), numberSpan), number.GetText(), numberSpan, Unit(context.unit()), Span(context));
    }

    private QuantitySyntax CountQuantity(ITerminalNode? number, ParserRuleContext parent)
    {
        if (number is null || IsMissing(number))
        {
            return new QuantitySyntax(double.NaN, "", new TextSpan(Span(parent).End, 0), null, new TextSpan(Span(parent).End, 0));
        }

        var span = Span(number);
        return new QuantitySyntax(ParseNumber(number.GetText(), span), number.GetText(), span, null, span);
    }

    private double ParseNumber(string numberText, TextSpan span)
    {
        if (double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        diagnostics.ReportInvalidNumber(span, numberText);
        return double.NaN;
    }

    private static UnitSyntax? Unit(P.UnitContext? context)
    {
        var token = context?.UNIT() ?? context?.NAME();
        return token is null || IsMissing(token) ? null : new UnitSyntax(token.GetText(), Span(token));
    }

    private static NameSyntax Name(P.NameContext? context, ParserRuleContext parent)
    {
        var token = context?.NAME();
        if (token is null || IsMissing(token))
        {
            var at = context?.Start is { StartIndex: >= 0 } start ? start.StartIndex : Span(parent).End;
            return new NameSyntax("", new TextSpan(at, 0));
        }
        return new NameSyntax(token.GetText(), Span(token));
    }

    private static ImmutableArray<StringLiteralSyntax> Codes(P.CodeClauseContext[] clauses) =>
        [.. clauses.Select(clause => String(clause.@string())).OfType<StringLiteralSyntax>()];

    private static StringLiteralSyntax? String(P.StringContext? context)
    {
        var token = context?.STRING();
        if (token is null || IsMissing(token))
        {
            return null;
        }

        return new StringLiteralSyntax(Unescape(token.GetText()), Span(token));
    }

    /// <summary>Strips the quotes (an unterminated string has only the opening one) and resolves \" \\ \n \t.</summary>
    internal static string Unescape(string raw)
    {
        var body = raw.Length >= 2 && raw[^1] == '"' && !EndsWithEscape(raw) ? raw[1..^1] : raw[1..];
        if (!body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }

        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length)
            {
                i++;
                builder.Append(body[i] switch { 'n' => '\n', 't' => '\t', _ => body[i] });
            }
            else
            {
                builder.Append(body[i]);
            }
        }
        return builder.ToString();
    }

    private static bool EndsWithEscape(string raw)
    {
        var backslashes = 0;
        for (var i = raw.Length - 2; i >= 1 && raw[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static string Text(ITerminalNode? node) => node is null || IsMissing(node) ? "" : node.GetText();

    private static bool IsMissing(ITerminalNode node) => node is IErrorNode || node.Symbol.TokenIndex < 0 || node.Symbol.StartIndex < 0;

    private static TextSpan Span(ITerminalNode? node) =>
        node is null || IsMissing(node) ? default : SyntaxErrorStrategy.SpanOf(node.Symbol);

    private static TextSpan SpanOrEnd(ITerminalNode? node, ParserRuleContext parent) =>
        node is null || IsMissing(node) ? new TextSpan(Span(parent).End, 0) : Span(node);

    private static TextSpan ErrorStrategySpan(IToken token) => SyntaxErrorStrategy.SpanOf(token);

    private static TextSpan Span(ParserRuleContext context)
    {
        var start = context.Start?.StartIndex ?? 0;
        if (start < 0)
        {
            start = 0;
        }

        var stop = context.Stop;
        if (stop is null || stop.StopIndex < start || stop.Type == TokenConstants.EOF)
        {
            return new TextSpan(start, Math.Max(0, (context.Start?.StopIndex ?? start - 1) + 1 - start));
        }

        return TextSpan.FromBounds(start, stop.StopIndex + 1);
    }
}
