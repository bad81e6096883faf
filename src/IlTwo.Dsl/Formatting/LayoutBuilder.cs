using System.Collections.Immutable;
using System.Text;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Formatting;

/// <summary>Whether a blank line goes before a line or a comment.</summary>
internal enum BlankLine
{
    /// <summary>Never (the first item of a block, a closing brace, a reference detail).</summary>
    Never,

    /// <summary>Always (between top-level declarations that are not grouped).</summary>
    Always,

    /// <summary>One if the author left at least one, else none.</summary>
    AsWritten,
}

/// <summary>
/// One line of the canonical layout, before comments are woven in. <see cref="Start"/>..<see cref="End"/> is the source range of its tokens:
/// comments before it go above it, comments inside it are lifted above it, a comment after it on the same source line stays at its end.
/// </summary>
/// <param name="Depth">Nesting level of the line.</param>
/// <param name="CommentDepth">Nesting level of the comments placed above it (deeper than a closing brace).</param>
/// <param name="FirstComment">Blank line before the first comment above it.</param>
/// <param name="Alone">Blank line before it when no comment goes above it.</param>
/// <param name="AfterComments">Blank line between the comments above it and the line.</param>
internal readonly record struct LayoutLine(
    int Depth,
    int CommentDepth,
    string Text,
    int Start,
    int End,
    BlankLine FirstComment,
    BlankLine Alone,
    BlankLine AfterComments);

/// <summary>
/// The blank line before a top-level declaration: none before the first; before one that stays grouped with the previous,
/// none, but a blank line the author left before its comments is kept; else always one.
/// </summary>
internal readonly record struct Spacing(BlankLine FirstComment, BlankLine Alone);

/// <summary>Turns a tree without syntax errors into its canonical lines, in source order.</summary>
internal sealed class LayoutBuilder
{
    private readonly ImmutableArray<SyntaxToken> _tokens;
    private readonly List<LayoutLine> _lines;
    private readonly StringBuilder _builder = new();

    private LayoutBuilder(SyntaxTree tree)
    {
        _tokens = tree.Tokens;
        _lines = new List<LayoutLine>(tree.Root.Declarations.Length * 4);
    }

    public static List<LayoutLine> Build(SyntaxTree tree)
    {
        var layout = new LayoutBuilder(tree);
        DeclarationSyntax? previous = null;
        foreach (var declaration in tree.Root.Declarations)
        {
            var blank = previous is null ? new Spacing(BlankLine.Never, BlankLine.Never)
                : StayGrouped(previous, declaration) ? new Spacing(BlankLine.AsWritten, BlankLine.Never)
                : new Spacing(BlankLine.Always, BlankLine.Always);
            layout.Declaration(declaration, blank);
            previous = declaration;
        }
        return layout._lines;
    }

    /// <summary>Header lines stay together, and so do runs of references, of events and of constants.</summary>
    private static bool StayGrouped(DeclarationSyntax previous, DeclarationSyntax next) => (previous, next) switch
    {
        (ProtocolDeclarationSyntax or TitleDeclarationSyntax or VersionDeclarationSyntax or ExtendsDeclarationSyntax or ClaimDeclarationSyntax,
         ProtocolDeclarationSyntax or TitleDeclarationSyntax or VersionDeclarationSyntax or ExtendsDeclarationSyntax or ClaimDeclarationSyntax) => true,
        (ReferenceDeclarationSyntax, ReferenceDeclarationSyntax) => true,
        (EventDeclarationSyntax, EventDeclarationSyntax) => true,
        (ConstantDeclarationSyntax, ConstantDeclarationSyntax) => true,
        _ => false,
    };

    // ------------------------------------------------------------ declarations

    private void Declaration(DeclarationSyntax declaration, Spacing blank)
    {
        switch (declaration)
        {
            case ProtocolDeclarationSyntax d:
                TopLine(Text("protocol ", d.Name.Text), d.Span.Start, d.Span.End, blank);
                break;
            case TitleDeclarationSyntax d:
                TopLine(Text("title", d.Title), d.Span.Start, d.Span.End, blank);
                break;
            case VersionDeclarationSyntax d:
                TopLine(Text("version ", d.VersionText), d.Span.Start, d.Span.End, blank);
                break;
            case ExtendsDeclarationSyntax d:
                TopLine(Text("extends ", d.Name.Text), d.Span.Start, d.Span.End, blank);
                break;
            case ClaimDeclarationSyntax d:
                TopLine(Text("claim more conservative than ", d.Target.Text), d.Span.Start, d.Span.End, blank);
                break;
            case ReferenceDeclarationSyntax d:
                Reference(d, blank);
                break;
            case EventDeclarationSyntax d:
                TopLine(Start("event ").Append(d.Name.Text).Quoted(d.Title).Codes(d.Codes).Done(), d.Span.Start, d.Span.End, blank);
                break;
            case ConstantDeclarationSyntax d:
                TopLine(Start("const ").Append(d.Name.Text).Append(" = ").Append(ExpressionPrinter.Print(d.Value)).Done(), d.Span.Start, d.Span.End, blank);
                break;
            case RemoveRuleDeclarationSyntax d:
                var remove = Start("remove rule ").Append(d.Name.Text);
                if (d.Reason is not null)
                {
                    remove.Append(" because").Quoted(d.Reason);
                }

                TopLine(remove.Done(), d.Span.Start, d.Span.End, blank);
                break;
            case RegimenDeclarationSyntax d:
                OpenBlock("regimen", d, blank);
                foreach (var item in d.Items)
                {
                    Item(RegimenItem(item), item.Span.Start, item.Span.End);
                }

                CloseBlock(d);
                break;
            case ObservationDeclarationSyntax d:
                var observation = Start(d.IsOverride ? "override observation " : "observation ").Append(d.Name.Text).Quoted(d.Title);
                if (d.IsYesNo)
                {
                    observation.Append(" yes/no");
                }

                OpenBlock(observation.Done(), d, blank);
                foreach (var item in d.Items)
                {
                    Item(ObservationItem(item), item.Span.Start, item.Span.End);
                }

                CloseBlock(d);
                break;
            case RuleDeclarationSyntax d:
                Rule(d, blank);
                break;
            case FixtureDeclarationSyntax d:
                var fixture = Start("fixture ").Append(d.Name.Text);
                if (d.Base is not null)
                {
                    fixture.Append(" using ").Append(d.Base.Text);
                }

                OpenBlock(fixture.Done(), d, blank);
                ScenarioItems(d.Items);
                CloseBlock(d);
                break;
            case ScenarioDeclarationSyntax d:
                var scenario = Start(d.IsOverride ? "override scenario" : "scenario").Quoted(d.Title);
                if (d.Fixture is not null)
                {
                    scenario.Append(" using ").Append(d.Fixture.Text);
                }

                if (d.Reason is not null)
                {
                    scenario.Append(" because").Quoted(d.Reason);
                }

                OpenBlock(scenario.Done(), d, blank);
                ScenarioItems(d.Items);
                CloseBlock(d);
                break;
            default:
                throw new InvalidOperationException($"the formatter does not know {declaration.GetType().Name}");
        }
    }

    /// <summary>
    /// <c>reference name "title"</c>, then each <c>doi</c>/<c>url</c> detail on its own line, in the order written.
    /// The details are read from the tokens: the tree keeps only the last of each kind, and the formatter must not drop text.
    /// </summary>
    private void Reference(ReferenceDeclarationSyntax d, Spacing blank)
    {
        var headEnd = d.Title?.Span.End ?? d.Name.Span.End;
        TopLine(Start("reference ").Append(d.Name.Text).Quoted(d.Title).Done(), d.Span.Start, headEnd, blank);
        for (var i = FirstTokenAtOrAfter(headEnd); i < _tokens.Length && _tokens[i].Span.Start < d.Span.End; i++)
        {
            var keyword = _tokens[i];
            if (keyword.Kind != TokenKind.Keyword || keyword.Text is not ("doi" or "url"))
            {
                continue;
            }

            var value = NextSignificant(i);
            if (value < 0 || _tokens[value].Kind != TokenKind.String)
            {
                throw new InvalidOperationException("a reference detail without its string");
            }

            var text = Start(keyword.Text).Append(' ').Append(StringQuoter.Quote(SyntaxTreeBuilder.Unescape(_tokens[value].Text))).Done();
            _lines.Add(new LayoutLine(1, 1, text, keyword.Span.Start, _tokens[value].Span.End, BlankLine.Never, BlankLine.Never, BlankLine.AsWritten));
            i = value;
        }
    }

    private void Rule(RuleDeclarationSyntax d, Spacing blank)
    {
        var header = Start(d.IsOverride ? "override " : "")
            .Append(d.Action == RuleAction.Discontinue ? "discontinue" : "hold")
            .Append(" rule ")
            .Append(d.Name.Text)
            .Quoted(d.Title)
            .Done();
        OpenBlock(header, d, blank);

        // Conditions, clauses and citations may interleave: lay them out in source order.
        var items = new List<(int Start, int End, string Text)>();
        foreach (var condition in d.Conditions)
        {
            var when = PreviousSignificant(FirstTokenAtOrAfter(condition.Span.Start));
            var start = when >= 0 ? _tokens[when].Span.Start : condition.Span.Start;
            items.Add((start, condition.Span.End, Start("when ").Append(ExpressionPrinter.Print(condition)).Done()));
        }
        foreach (var citation in d.Citations)
        {
            items.Add((citation.Span.Start, citation.Span.End, Citation(citation)));
        }

        foreach (var clause in d.Clauses)
        {
            items.Add((clause.Span.Start, clause.Span.End, Clause(clause)));
        }

        foreach (var (start, end, text) in items.OrderBy(i => i.Start))
        {
            Item(text, start, end);
        }

        CloseBlock(d);
    }

    private string Clause(RuleClauseSyntax clause) => clause switch
    {
        UntilClauseSyntax u => Text("until ", ExpressionPrinter.Print(u.Condition)),
        PersistenceClauseSyntax p => Text("persistent for ", ExpressionPrinter.Print(p.Duration)),
        CorrectionClauseSyntax c => Text("corrected when ", ExpressionPrinter.Print(c.Condition)),
        GroupClauseSyntax g => Text("group ", string.Join(", ", g.Groups.Select(n => n.Text))),
        _ => throw new InvalidOperationException($"the formatter does not know {clause.GetType().Name}"),
    };

    // ------------------------------------------------------------ items

    private string RegimenItem(RegimenItemSyntax item) => item switch
    {
        DrugItemSyntax i => Start("drug ").Append(i.Drug.Text).Codes(i.Codes).Done(),
        DoseItemSyntax i => Text("dose ", ExpressionPrinter.Print(i.Dose)),
        RouteItemSyntax i => Text("route ", i.Route.Text),
        IntervalItemSyntax i => i.Longest is null
            ? Text("every ", ExpressionPrinter.Print(i.Shortest))
            : Start("every ").Append(ExpressionPrinter.Print(i.Shortest)).Append(" to ").Append(ExpressionPrinter.Print(i.Longest)).Done(),
        MaxDosesItemSyntax i => Start("at most ").Append(i.Count.NumberText).Append(i.CountsSlots ? " dose slots" : " doses").Append(i.Scope == DoseLimitScope.Cycle ? " per cycle" : " per course").Done(),
        FirstDoseWindowItemSyntax i => Start("first dose ").Append(ExpressionPrinter.Print(i.Earliest)).Append(" to ").Append(ExpressionPrinter.Print(i.Latest))
            .Append(" after ").Append(i.Event.Text).Done(),
        RegimenCitationItemSyntax i => Citation(i.Citation),
        _ => throw new InvalidOperationException($"the formatter does not know {item.GetType().Name}"),
    };

    private string ObservationItem(ObservationItemSyntax item) => item switch
    {
        LoincItemSyntax i => Text("loinc ", i.Code),
        UnitItemSyntax i => Text("unit ", i.Unit?.Code ?? ""),
        WithinItemSyntax i => Text("within ", ExpressionPrinter.Print(i.Window)),
        RangeItemSyntax i => Start("range ").Append(ExpressionPrinter.Print(i.Low)).Append(" to ").Append(ExpressionPrinter.Print(i.High)).Done(),
        MolarMassItemSyntax i => Text("molar mass ", ExpressionPrinter.Print(i.MolarMass)),
        ReportedToItemSyntax i => Text("reported to ", ExpressionPrinter.Print(i.Precision)),
        OptionalItemSyntax => "optional",
        RequiredItemSyntax => "required",
        _ => throw new InvalidOperationException($"the formatter does not know {item.GetType().Name}"),
    };

    private string Citation(CitationSyntax citation) => citation switch
    {
        CiteSyntax c => Start("cite ").Append(c.Reference.Text).Quoted(c.Locator).Done(),
        UnverifiedSyntax u => Text("unverified", u.Note),
        _ => throw new InvalidOperationException($"the formatter does not know {citation.GetType().Name}"),
    };

    private void ScenarioItems(ImmutableArray<ScenarioItemSyntax> items)
    {
        foreach (var item in items)
        {
            var text = item switch
            {
                ScenarioWeightSyntax i => Text("weight ", ExpressionPrinter.Print(i.Weight)),
                ScenarioEventSyntax i => Start("event ").Append(i.Event.Text).Append(' ').Append(ExpressionPrinter.Print(i.Ago)).Append(" ago").Done(),
                ScenarioDoseSyntax i => Start(i.Given ? "dose given " : "dose held ").Append(ExpressionPrinter.Print(i.Ago)).Append(" ago").Done(),
                ScenarioObservationSyntax i => Start(i.Observation.Text).Append(' ')
                    .Append(i.Value is not null ? ExpressionPrinter.Print(i.Value) : i.Flag == true ? "yes" : "no")
                    .Append(' ').Append(ExpressionPrinter.Print(i.Ago)).Append(" ago").Done(),
                ScenarioExpectSyntax i => Expect(i),
                _ => throw new InvalidOperationException($"the formatter does not know {item.GetType().Name}"),
            };
            Item(text, item.Span.Start, item.Span.End);
        }
    }

    private string Expect(ScenarioExpectSyntax item)
    {
        var builder = Start("expect ").Append(item.Action switch
        {
            ExpectedAction.Give => "give",
            ExpectedAction.Discontinue => "discontinue",
            _ => "hold",
        });
        if (item.HasBecause)
        {
            builder.Append(" because ");
            for (var i = 0; i < item.Rules.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }

                builder.Append(item.Rules[i].Text);
            }
        }
        return builder.Done();
    }

    // ------------------------------------------------------------ lines

    private bool _firstInBlock;

    private void TopLine(string text, int start, int end, Spacing blank) =>
        _lines.Add(new LayoutLine(0, 0, text, start, end, blank.FirstComment, blank.Alone, BlankLine.AsWritten));

    /// <summary>The declaration line ending in <c>{</c> (the brace joins it wherever the author put it).</summary>
    private void OpenBlock(string header, DeclarationSyntax declaration, Spacing blank)
    {
        var brace = FirstTokenAtOrAfter(declaration.KeywordSpan.Start);
        while (brace < _tokens.Length && !(_tokens[brace].Kind == TokenKind.Punctuation && _tokens[brace].Text == "{"))
        {
            brace++;
        }

        if (brace >= _tokens.Length || _tokens[brace].Span.Start >= declaration.Span.End)
        {
            throw new InvalidOperationException("a block without its '{'");
        }

        TopLine(header + " {", declaration.Span.Start, _tokens[brace].Span.End, blank);
        _firstInBlock = true;
    }

    private void Item(string text, int start, int end)
    {
        var blank = _firstInBlock ? BlankLine.Never : BlankLine.AsWritten;
        _lines.Add(new LayoutLine(1, 1, text, start, end, blank, blank, BlankLine.AsWritten));
        _firstInBlock = false;
    }

    /// <summary>The closing brace: comments at the end of the block stay above it, at item depth.</summary>
    private void CloseBlock(DeclarationSyntax declaration)
    {
        var end = declaration.Span.End;
        _lines.Add(new LayoutLine(0, 1, "}", end - 1, end, BlankLine.AsWritten, BlankLine.Never, BlankLine.Never));
        _firstInBlock = false;
    }

    // ------------------------------------------------------------ tokens

    /// <summary>The index of the first token starting at or after the position (binary search; tokens are in source order).</summary>
    private int FirstTokenAtOrAfter(int position)
    {
        int lo = 0, hi = _tokens.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_tokens[mid].Span.Start < position)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private int NextSignificant(int index)
    {
        for (var i = index + 1; i < _tokens.Length; i++)
        {
            if (_tokens[i].Kind != TokenKind.Comment)
            {
                return i;
            }
        }
        return -1;
    }

    private int PreviousSignificant(int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (_tokens[i].Kind != TokenKind.Comment)
            {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------ text

    private StringBuilder Start(string text) => _builder.Clear().Append(text);

    private string Text(string keyword, string rest) => Start(keyword).Append(rest).Done();

    private string Text(string keyword, StringLiteralSyntax? value) => Start(keyword).Quoted(value).Done();
}

internal static class LayoutTextExtensions
{
    /// <summary>Appends <c> "value"</c> (one space, then the re-escaped string) when there is a string.</summary>
    public static StringBuilder Quoted(this StringBuilder builder, StringLiteralSyntax? value) =>
        value is null ? builder : builder.Append(' ').Append(StringQuoter.Quote(value.Value));

    /// <summary>Appends <c> code "value"</c> for each declared code.</summary>
    public static StringBuilder Codes(this StringBuilder builder, ImmutableArray<StringLiteralSyntax> codes)
    {
        foreach (var code in codes)
        {
            builder.Append(" code").Quoted(code);
        }

        return builder;
    }

    public static string Done(this StringBuilder builder) => builder.ToString();
}
