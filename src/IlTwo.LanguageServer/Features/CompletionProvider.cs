using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using IlTwo.Runtime.Units;

namespace IlTwo.LanguageServer.Features;

/// <summary>
/// Completion from the token stream around the cursor (it works in code that does not parse): which block the cursor
/// is in comes from counting braces, what fits comes from the tokens before it on the line. Symbols come from the
/// cached compilation, which the binder builds even for broken text.
/// </summary>
internal static class CompletionProvider
{
    /// <summary>
    /// The declaration snippets, offered only on a new top-level line (so never inside a condition) and sorted after
    /// every other item. <c>{id:base}</c> is the default id of the declaration: <c>base</c>, or <c>base-2</c>,
    /// <c>base-3</c>... when the protocol (or one it extends) already has that name, so accepting the snippet never
    /// declares a name twice. Placeholders without a safe default (a condition, a threshold) stay words to replace.
    /// </summary>
    internal static readonly (string Label, string Snippet, string Detail)[] TopLevel =
    [
        ("hold rule", "hold rule ${1:{id:new-hold-rule}} \"${2:title}\" {\n  when ${3:condition}\n  cite ${4:reference} \"${5:where}\"\n}", "A rule that holds the dose"),
        ("discontinue rule", "discontinue rule ${1:{id:new-discontinue-rule}} \"${2:title}\" {\n  when ${3:condition}\n  cite ${4:reference} \"${5:where}\"\n}", "A rule that stops IL-2"),
        ("override hold rule", "override hold rule ${1:rule} \"${2:title}\" {\n  when ${3:condition}\n  cite ${4:reference} \"${5:where}\"\n}", "Replace an inherited rule"),
        ("override discontinue rule", "override discontinue rule ${1:rule} \"${2:title}\" {\n  when ${3:condition}\n  cite ${4:reference} \"${5:where}\"\n}", "Replace an inherited rule"),
        ("remove rule", "remove rule ${1:rule} because \"${2:reason}\"", "Drop an inherited rule"),
        ("observation", "observation ${1:{id:new-observation}} \"${2:title}\" {\n  loinc ${3:code}\n  unit ${4:unit}\n  within ${5:window}\n  range ${6:low} to ${7:high}\n}", "A value rules read"),
        ("observation yes/no", "observation ${1:{id:new-finding}} \"${2:title}\" yes/no {\n  within ${3:window}\n}", "A yes/no finding"),
        ("const", "const ${1:{id:new-constant}} = ${2:value}", "A named value"),
        ("reference", "reference ${1:{id:new-reference}} \"${2:title}\"\n  doi \"${3:doi}\"", "A source rules cite"),
        ("event", "event ${1:{id:new-event}} \"${2:title}\"", "Something that happens to the patient"),
        ("regimen", "regimen {\n  drug ${1:aldesleukin}\n  dose ${2:dose}\n  every ${3:interval}\n}", "Drug, dose and schedule"),
        ("fixture", "fixture ${1:{id:new-fixture}} {\n  $0\n}", "A patient state scenarios start from"),
        ("scenario", "scenario \"${1:title}\" {\n  $0\n  expect ${2|give,hold,discontinue|}\n}", "A test of the rules"),
        ("protocol", "protocol ${1:id}", "The protocol id"),
        ("title", "title \"${1:title}\"", "The protocol's title"),
        ("version", "version ${1:1.0.0}", "The protocol's version"),
        ("extends", "extends ${1:protocol}", "Inherit another protocol's rules"),
    ];

    private static readonly string[] ObservationItems = ["loinc", "unit", "within", "range", "molar mass", "reported to", "optional"];

    private static readonly string[] RegimenItems = ["drug", "dose", "route", "every", "at most", "first dose", "cite", "unverified"];

    /// <summary>
    /// The items at <paramref name="offset"/>, each with a sort text that puts what fits the context first (in the
    /// order given) and snippets last.
    /// </summary>
    public static IReadOnlyList<CompletionItem> Complete(ProtocolCompilation compilation, int offset) =>
        [.. CompleteUnsorted(compilation, offset).Select((item, i) => item with
        {
            SortText = (item.Kind == CompletionItemKind.Snippet ? "9" : "0") + (item.SortText ?? i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)),
        })];

    /// <summary>The top-level snippets with default ids that no declaration (here or inherited) has.</summary>
    internal static IReadOnlyList<CompletionItem> Snippets(BoundProtocol protocol)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var p = protocol; p is not null; p = p.Base)
        {
            taken.UnionWith(p.Rules.Select(r => r.Name));
            taken.UnionWith(p.Observations.Select(o => o.Name));
            taken.UnionWith(p.Constants.Select(c => c.Name));
            taken.UnionWith(p.References.Select(r => r.Name));
            taken.UnionWith(p.Events.Select(e => e.Name));
            taken.UnionWith(p.Fixtures.Select(f => f.Name));
        }

        return [.. TopLevel.Select(t => new CompletionItem(t.Label, CompletionItemKind.Snippet, t.Detail, InsertText: WithFreeIds(t.Snippet, taken), InsertTextFormat: InsertTextFormat.Snippet))];
    }

    private static string WithFreeIds(string snippet, HashSet<string> taken) =>
        System.Text.RegularExpressions.Regex.Replace(snippet, @"\{id:([a-z-]+)\}", m =>
        {
            var id = m.Groups[1].Value;
            for (var n = 2; taken.Contains(id); n++)
            {
                id = $"{m.Groups[1].Value}-{n}";
            }

            return id;
        });

    private static IReadOnlyList<CompletionItem> CompleteUnsorted(ProtocolCompilation compilation, int offset)
    {
        var tokens = compilation.SyntaxTree.Tokens;
        var text = compilation.Text;

        // The word being typed is not context: completion replaces it.
        var last = LastTokenStartingBefore(tokens, offset);

        // Tokens do not overlap, so only the last one that starts before the cursor can contain it.
        if (last >= 0 && tokens[last].Kind is TokenKind.Comment or TokenKind.String && tokens[last].Span.End > offset)
        {
            return [];
        }

        if (last >= 0 && tokens[last].Span.End == offset && tokens[last].Kind is TokenKind.Name or TokenKind.Keyword or TokenKind.Unit or TokenKind.LoincCode)
        {
            last--;
        }

        if (last >= 0 && tokens[last].Kind is TokenKind.Comment or TokenKind.String && tokens[last].Span.End >= offset && !tokens[last].Text.EndsWith('"'))
        {
            return [];
        }

        // Which block the cursor is in: the first word of the declaration that opened it.
        string? block = null;
        string? declarationStart = null;
        var depth = 0;
        var previousLine = -1;
        var line = 0;
        for (var i = 0; i <= last; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Comment)
            {
                continue;
            }

            // Tokens come in order, so the line moves forward only (no search per token: this loop runs over the whole file).
            while (line + 1 < text.LineCount && text.GetLineStart(line + 1) <= token.Span.Start)
            {
                line++;
            }

            if (depth == 0 && line != previousLine && token.Kind == TokenKind.Keyword)
            {
                declarationStart = token.Text;
            }

            previousLine = line;
            if (token.Text == "{")
            {
                if (depth == 0)
                {
                    block = declarationStart;
                }

                depth++;
            }
            else if (token.Text == "}" && depth > 0)
            {
                depth--;
                if (depth == 0)
                {
                    block = null;
                }
            }
        }

        // The tokens before the cursor on its line.
        var cursorLine = text.GetLinePosition(offset).Line;
        var lineTokens = new List<SyntaxToken>();
        for (var i = last; i >= 0 && text.GetLinePosition(tokens[i].Span.Start).Line == cursorLine; i--)
        {
            if (tokens[i].Kind != TokenKind.Comment)
            {
                lineTokens.Insert(0, tokens[i]);
            }
        }

        var words = lineTokens.Select(t => t.Text).ToList();
        string? Word(int fromEnd) => words.Count >= fromEnd ? words[^fromEnd] : null;
        var protocol = compilation.Protocol;

        if (Word(1) == "cite")
        {
            return References(protocol);
        }

        if (Word(1) == "using")
        {
            return [.. protocol.Fixtures.Concat(protocol.Base?.Fixtures ?? []).DistinctBy(f => f.Name).Select(f => Item(f.Name, CompletionItemKind.Struct, "fixture"))];
        }

        if (Word(1) == "after" || (Word(1) == "since" && Word(2) == "time") || (Word(1) == "event" && block is "scenario" or "fixture"))
        {
            var events = protocol.Events.Select(e => Item(e.Name, CompletionItemKind.Event, e.Title)).ToList();
            if (Word(1) == "since")
            {
                events.Add(Item("last dose", CompletionItemKind.Keyword, "time since the last dose given"));
                events.Add(Item("first dose", CompletionItemKind.Keyword, "time since the first dose given"));
            }

            return events;
        }

        if (block is null)
        {
            if (Word(1) == "rule" && (Word(2) == "remove" || Word(3) == "override"))
            {
                return [.. (compilation.Base?.Protocol.Rules ?? []).Select(r => Item(r.Name, CompletionItemKind.Function, $"{r.Action.ToString().ToLowerInvariant()}: {r.Title}"))];
            }

            if (words.Count == 0)
            {
                return Snippets(protocol);
            }

            if (Word(1) == "extends")
            {
                return [];
            }

            if (Word(1) is "override")
            {
                return [Item("hold rule", CompletionItemKind.Keyword), Item("discontinue rule", CompletionItemKind.Keyword)];
            }
        }

        return block switch
        {
            "observation" => CompleteObservation(compilation, words, lineTokens),
            "hold" or "discontinue" or "override" => CompleteRule(protocol, words, lineTokens),
            "scenario" or "fixture" => CompleteScenario(protocol, words, lineTokens),
            "regimen" => words.Count == 0 ? [.. RegimenItems.Select(k => Item(k, CompletionItemKind.Keyword))] : [],
            _ => [],
        };
    }

    private static IReadOnlyList<CompletionItem> CompleteObservation(ProtocolCompilation compilation, List<string> words, List<SyntaxToken> line)
    {
        if (words.Count == 0)
        {
            return [.. ObservationItems.Select(k => Item(k, CompletionItemKind.Keyword))];
        }

        if (words[^1] == "loinc")
        {
            return [.. LoincTable.All.Select(e => new CompletionItem(e.Code, CompletionItemKind.EnumMember, e.Name, FilterText: e.Code + " " + e.Name, SortText: e.Code))];
        }

        if (words[^1] == "unit")
        {
            return Units(null);
        }

        if (line[^1].Kind == TokenKind.Number)
        {
            if (words[0] == "within")
            {
                return Units(Ucum.Parse("h"));
            }

            // range: units of the observation's own dimension.
            var observation = compilation.Protocol.Observations.FirstOrDefault(o => o.Syntax is { } syntax && syntax.Span.Contains(line[0].Span.Start));
            return words[0] == "molar" ? [Item("g/mol", CompletionItemKind.Unit)] : Units(observation?.Unit);
        }

        return [];
    }

    private static IReadOnlyList<CompletionItem> CompleteRule(BoundProtocol protocol, List<string> words, List<SyntaxToken> line)
    {
        if (words.Count == 0)
        {
            return [Item("when", CompletionItemKind.Keyword), Item("cite", CompletionItemKind.Keyword), Item("unverified", CompletionItemKind.Keyword)];
        }

        if (words[^1] == "not" && words.Count >= 2 && words[^2] == "is" || words[^1] == "is")
        {
            var flags = new List<CompletionItem> { Item("yes", CompletionItemKind.Keyword), Item("no", CompletionItemKind.Keyword) };
            if (words[^1] == "is")
            {
                flags.Add(Item("not", CompletionItemKind.Keyword));
            }

            return flags;
        }

        if (line[^1].Kind == TokenKind.Number)
        {
            var compared = ComparedObservation(protocol, line);
            return Units(compared?.Unit, compared?.MolarMass);
        }

        if (words[^1] is "when" or "and" or "or" or "not" or "(" or "," || line[^1].Kind == TokenKind.Operator)
        {
            return Expressions(protocol);
        }

        if (words[^1] == "last")
        {
            return [Item("8 h", CompletionItemKind.Value), Item("24 h", CompletionItemKind.Value)];
        }

        return [Item("and", CompletionItemKind.Keyword), Item("or", CompletionItemKind.Keyword), Item("is", CompletionItemKind.Keyword)];
    }

    private static IReadOnlyList<CompletionItem> CompleteScenario(BoundProtocol protocol, List<string> words, List<SyntaxToken> line)
    {
        if (words.Count == 0)
        {
            return
            [
                .. protocol.Observations.Select(o => Item(o.Name, CompletionItemKind.Variable, o.Title)),
                Item("weight", CompletionItemKind.Keyword),
                Item("event", CompletionItemKind.Keyword),
                Item("dose given", CompletionItemKind.Keyword),
                Item("dose held", CompletionItemKind.Keyword),
                Item("expect give", CompletionItemKind.Keyword),
                Item("expect hold", CompletionItemKind.Keyword),
                Item("expect discontinue", CompletionItemKind.Keyword),
            ];
        }

        if (words[^1] == "expect")
        {
            return [Item("give", CompletionItemKind.Keyword), Item("hold", CompletionItemKind.Keyword), Item("discontinue", CompletionItemKind.Keyword)];
        }

        if (words[^1] == "because" || (words[^1] == "," && words.Contains("because")))
        {
            return [.. protocol.Rules.Select(r => Item(r.Name, CompletionItemKind.Function, r.Title))];
        }

        if (words[^1] == "dose")
        {
            return [Item("given", CompletionItemKind.Keyword), Item("held", CompletionItemKind.Keyword)];
        }

        if (line[^1].Kind == TokenKind.Number)
        {
            // `sbp 84 |` is the value; `sbp 84 mm[Hg] 1 |` and `event x 2 |` are times.
            var numbers = line.Count(t => t.Kind == TokenKind.Number);
            if (words[0] == "weight")
            {
                return Units(Ucum.Parse("kg"));
            }

            if (numbers == 1 && protocol.FindObservation(words[0]) is { Unit: { } unit } observation)
            {
                return Units(unit, observation.MolarMass);
            }

            return Units(Ucum.Parse("h"));
        }

        if (line[^1].Kind is TokenKind.Unit or TokenKind.Name && words.Count >= 3)
        {
            return [Item("ago", CompletionItemKind.Keyword)];
        }

        if (words.Count == 1 && protocol.FindObservation(words[0]) is { IsYesNo: true })
        {
            return [Item("yes", CompletionItemKind.Keyword), Item("no", CompletionItemKind.Keyword)];
        }

        return [];
    }

    /// <summary>The observation a number on this line is compared with: the nearest observation name before it.</summary>
    private static ObservationSymbol? ComparedObservation(BoundProtocol protocol, List<SyntaxToken> line)
    {
        for (var i = line.Count - 2; i >= 0; i--)
        {
            if (line[i].Text is "and" or "or" or "when")
            {
                break;
            }

            if (line[i].Kind == TokenKind.Name && protocol.FindObservation(line[i].Text) is { } observation)
            {
                return observation;
            }
        }

        return null;
    }

    private static List<CompletionItem> Expressions(BoundProtocol protocol)
    {
        var items = new List<CompletionItem>();
        items.AddRange(protocol.Observations.Select(o => Item(o.Name, CompletionItemKind.Variable, o.Title ?? "observation")));
        items.AddRange(protocol.Constants.Select(c => Item(c.Name, CompletionItemKind.Constant, ExpressionPrinter.Print(c.Syntax.Value))));
        items.AddRange(Binder.Functions.Values.Select(f => new CompletionItem(
            f.Name,
            CompletionItemKind.Function,
            f.Signature,
            new MarkupContent(MarkupKind.Markdown, f.Documentation),
            InsertText: f.TakesWindow ? $"{f.Name}(${{1:observation}}, last ${{2:8 h}})" : $"{f.Name}(${{1:observation}})",
            InsertTextFormat: InsertTextFormat.Snippet)));
        items.Add(Item("weight", CompletionItemKind.Keyword, "the patient's weight"));
        items.Add(Item("doses given", CompletionItemKind.Keyword, "doses given so far in the course"));
        items.Add(Item("doses held", CompletionItemKind.Keyword, "doses held so far in the course"));
        items.Add(Item("time since", CompletionItemKind.Keyword, "time since an event or dose"));
        items.Add(Item("not", CompletionItemKind.Keyword));
        return items;
    }

    private static IReadOnlyList<CompletionItem> References(BoundProtocol protocol) =>
        [.. protocol.References.Select(r => Item(r.Name, CompletionItemKind.Reference, r.Title))];

    /// <summary>Common units; with a unit, those commensurable with it (and, given a molar mass, those that convert through it).</summary>
    private static IReadOnlyList<CompletionItem> Units(UcumUnit? commensurableWith, double? molarMass = null)
    {
        var codes = commensurableWith is null ? Ucum.CommonUnits : Ucum.CommonUnitsCommensurableWith(commensurableWith);
        if (commensurableWith is not null && molarMass is not null)
        {
            codes = [.. codes.Union(Ucum.CommonUnits.Where(code => Ucum.TryGetConversion(Ucum.Parse(code), commensurableWith, molarMass, out _, out _)))];
        }

        return [.. codes.Select((code, i) => new CompletionItem(code, CompletionItemKind.Unit, commensurableWith is null ? null : $"converts to {commensurableWith.Code}", SortText: i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)))];
    }

    private static CompletionItem Item(string label, CompletionItemKind kind, string? detail = null) => new(label, kind, detail);

    /// <summary>The last token that starts before <paramref name="offset"/>.</summary>
    private static int LastTokenStartingBefore(IReadOnlyList<SyntaxToken> tokens, int offset)
    {
        int lo = 0, hi = tokens.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (tokens[mid].Span.Start < offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
