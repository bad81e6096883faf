using System.Collections;
using System.Reflection;
using System.Text;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Tests.Infrastructure;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Incremental;

/// <summary>
/// Differential: a chain of random seeded edits, each compiled incrementally from the previous version's compilation
/// and in full from its text; the two must agree on the syntax tree (every span of every node), the tokens, the
/// diagnostics (code, span, message, fixes) and the bound symbols.
/// </summary>
public sealed class IncrementalCompilationTests
{
    private static readonly ProtocolCompilationOptions Bound = new() { Analyze = false };

    public static TheoryData<string, int> Documents => new()
    {
        { "hd-il2-monotherapy", 1 },
        { "hd-il2-monotherapy", 2 },
        { "hd-il2-monotherapy", 3 },
        { "post-til-il2", 1 },
        { "post-til-il2", 2 },
        { "generated", 1 },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Random_edits_compile_incrementally_to_exactly_the_full_compile(string document, int seed)
    {
        var (path, text) = Load(document);
        var random = new Random(seed);
        var steps = document == "generated" ? 40 : 120;
        var bound = WithBaseCache();
        var previous = ProtocolCompilation.Create(SourceText.From(text, path), null, bound);
        var lastClean = text;
        var reused = 0;
        var (fastSteps, inDeclarationSteps) = (0, 0);
        var log = new StringBuilder();
        for (var step = 0; step < steps; step++)
        {
            var (edited, what, inside) = previous.SyntaxTree.Diagnostics.IsEmpty || random.Next(2) > 0 ? Edit(previous, random) : (lastClean, "back to the last text without syntax errors", false);
            log.Append(step).Append(": ").Append(what).Append('\n');
            var source = SourceText.From(edited, path);
            var incremental = ProtocolCompilation.Create(source, null, bound, previous);
            var full = ProtocolCompilation.Create(SourceText.From(edited, path), null, bound);
            AssertSame(full, incremental, log.ToString());
            Assert.Equal(0, full.Protocol.ReusedDeclarations);
            if (incremental.SyntaxTree.Root.Declarations.Any(d => previous.SyntaxTree.Root.Declarations.Contains(d, ReferenceEqualityComparer.Instance)))
            {
                reused++;
            }

            // The fast path: rules and scenarios translated from the previous binding instead of bound again.
            if (incremental.Protocol.ReusedDeclarations > 0)
            {
                fastSteps++;
            }

            // An edit inside one rule or scenario (not its name) of a file that parses before and after must take it,
            // for every observation and every other rule and scenario whose patient comes from this file alone.
            if (inside && previous.SyntaxTree.Diagnostics.IsEmpty && incremental.SyntaxTree.Diagnostics.IsEmpty)
            {
                inDeclarationSteps++;
                var expected = TranslatableDeclarations(incremental.Protocol) - 1;
                Assert.True(incremental.Protocol.ReusedDeclarations >= expected,
                    $"step {step} ({what}) reused {incremental.Protocol.ReusedDeclarations} declarations of at least {expected}\n{log}");
            }

            if (step % 20 == 19)
            {
                Assert.Equal(Describe(full.WithAnalysis().Diagnostics), Describe(incremental.WithAnalysis().Diagnostics));
            }

            if (incremental.SyntaxTree.Diagnostics.IsEmpty)
            {
                lastClean = edited;
            }

            previous = incremental;
        }

        // The test means something only if many steps took the incremental path (reused declarations of the previous
        // tree); the others broke the syntax, or followed a version that did, and took the full parse.
        Assert.True(reused >= steps / 5, $"only {reused} of {steps} steps reused syntax\n{log}");
        Assert.True(inDeclarationSteps >= steps / 10 && fastSteps >= inDeclarationSteps, $"{fastSteps} steps took the fast path, {inDeclarationSteps} edited inside one rule or scenario\n{log}");
    }

    /// <summary>A cache of base compilations by text, as the language server keeps one per document version: an unchanged base is the same bound protocol.</summary>
    private static ProtocolCompilationOptions WithBaseCache()
    {
        var cache = new Dictionary<string, ProtocolCompilation>(StringComparer.Ordinal);
        return Bound with
        {
            BaseCompilations = (text, compile) =>
            {
                var key = text.Path + "\0" + text.Text;
                if (!cache.TryGetValue(key, out var compilation))
                {
                    cache[key] = compilation = compile();
                }

                return compilation;
            },
        };
    }

    /// <summary>This file's observations, rules and scenarios that the fast path translates (of scenarios, those whose patient does not come from another file).</summary>
    private static int TranslatableDeclarations(BoundProtocol protocol) => Translatable(protocol).Count();

    private static IEnumerable<DeclarationSyntax> Translatable(BoundProtocol protocol)
    {
        bool FromThisFile(NameSyntax? fixture)
        {
            for (var depth = 0; fixture is { IsMissing: false } && depth < 100; depth++)
            {
                var symbol = protocol.Fixtures.FirstOrDefault(f => f.Name == fixture.Text);
                if (symbol is null)
                {
                    return protocol.Base?.Lineage.SelectMany(p => p.Fixtures).All(f => f.Name != fixture.Text) ?? true;
                }

                fixture = symbol.Syntax.Base;
            }

            return true;
        }

        // A rule declared twice is bound (and so translated) only the first time.
        var rules = protocol.Tree.Root.OfKind<RuleDeclarationSyntax>().Where(r => !r.Name.IsMissing).DistinctBy(r => r.Name.Text);
        var observations = protocol.Tree.Root.OfKind<ObservationDeclarationSyntax>().Where(o => protocol.Observations.Any(s => ReferenceEquals(s.Syntax, o)));
        return [.. observations, .. rules, .. protocol.Tree.Root.OfKind<ScenarioDeclarationSyntax>().Where(s => !s.IsOverride && FromThisFile(s.Fixture))];
    }

    [Theory]
    [InlineData("hd-il2-monotherapy")]
    [InlineData("post-til-il2")]
    [InlineData("generated")]
    public void An_edit_inside_one_rule_or_scenario_binds_only_that_declaration_again(string document)
    {
        var (path, text) = Load(document);
        var options = WithBaseCache();
        var previous = ProtocolCompilation.Create(SourceText.From(text, path), null, options);
        var rules = previous.SyntaxTree.Root.OfKind<RuleDeclarationSyntax>().Where(r => r.Conditions.Length > 0 && HasDigit(r.Conditions[0].Span)).ToList();
        var scenarios = previous.SyntaxTree.Root.OfKind<ScenarioDeclarationSyntax>().Where(s => s.Items.Length > 0 && HasDigit(s.Items[0].Span)).ToList();
        TextSpan[] places = [rules[0].Conditions[0].Span, rules[rules.Count / 2].Conditions[0].Span, rules[^1].Conditions[0].Span, scenarios[0].Items[0].Span, scenarios[^1].Items[0].Span];
        foreach (var place in places)
        {
            var digit = text.IndexOfAny("123456789".ToCharArray(), place.Start, place.Length);
            var edited = text[..digit] + (text[digit] == '1' ? '2' : '1') + text[(digit + 1)..];

            var incremental = ProtocolCompilation.Create(SourceText.From(edited, path), null, options, previous);

            AssertSame(ProtocolCompilation.Create(SourceText.From(edited, path), null, options), incremental, $"digit at {digit}");
            var translatable = Translatable(incremental.Protocol).ToList();
            var edit = translatable.Count(d => d.Span.Contains(digit));
            Assert.Equal(translatable.Count - edit, incremental.Protocol.ReusedDeclarations);
        }

        bool HasDigit(TextSpan span) => text.IndexOfAny("123456789".ToCharArray(), span.Start, span.Length) >= 0;
    }

    [Theory]
    [InlineData("hd-il2-monotherapy")]
    [InlineData("generated")]
    public void An_edit_inside_one_rule_reuses_every_other_declaration(string document)
    {
        var (path, text) = Load(document);
        var previous = ProtocolCompilation.Create(SourceText.From(text, path), null, Bound);
        var at = text.IndexOf("when ", text.Length / 2, StringComparison.Ordinal);
        var digit = text.IndexOfAny("0123456789".ToCharArray(), at);
        var edited = text[..digit] + "7" + text[digit..];

        var incremental = ProtocolCompilation.Create(SourceText.From(edited, path), null, Bound, previous);

        AssertSame(ProtocolCompilation.Create(SourceText.From(edited, path), null, Bound), incremental, "one digit inserted");
        var fresh = incremental.SyntaxTree.Root.Declarations.Count(d => !previous.SyntaxTree.Root.Declarations.Contains(d, ReferenceEqualityComparer.Instance));
        // The edited declaration is parsed again, and any declaration sharing its first or last line; the ones after it are moved.
        var after = incremental.SyntaxTree.Root.Declarations.Count(d => d.Span.Start > digit);
        Assert.True(fresh - after <= 2, $"{fresh - after} declarations before or at the edit were parsed again");
    }

    [Theory]
    [InlineData("hold rule broken {\n  when sbp < 90 mm[Hg]\n")]
    [InlineData("}")]
    [InlineData("\"")]
    [InlineData("((((")]
    [InlineData("hold")]
    public void Breaking_and_restoring_a_file_gives_the_full_compile_each_time(string insertion)
    {
        var (path, text) = Load("hd-il2-monotherapy");
        var clean = ProtocolCompilation.Create(SourceText.From(text, path), null, Bound);
        var at = text.IndexOf("\nhold rule", text.Length / 3, StringComparison.Ordinal) + 1;
        var broken = text[..at] + insertion + text[at..];

        var brokenIncremental = ProtocolCompilation.Create(SourceText.From(broken, path), null, Bound, clean);
        var brokenFull = ProtocolCompilation.Create(SourceText.From(broken, path), null, Bound);
        AssertSame(brokenFull, brokenIncremental, "broken");
        Assert.True(brokenFull.HasErrors);

        var restored = ProtocolCompilation.Create(SourceText.From(text, path), null, Bound, brokenIncremental);
        AssertSame(clean, restored, "restored");
        Assert.False(restored.HasErrors);
    }

    private static (string Path, string Text) Load(string document)
    {
        if (document == "generated")
        {
            return (Path.Combine(Path.GetTempPath(), "il2-incremental-generated.il2"), IlTwo.Benchmarks.ProtocolGenerator.Generate(5000));
        }

        var path = TestProtocols.Shipped(document);
        return (path, File.ReadAllText(path));
    }

    /// <summary>
    /// One random edit of the kinds a user makes, some of them breaking the file; <c>Inside</c> when it changes only text
    /// inside one rule or scenario (not a rule's name), the edit the fast path of binding is for.
    /// </summary>
    private static (string Text, string What, bool Inside) Edit(ProtocolCompilation current, Random random)
    {
        var (text, what) = EditText(current, random);
        // The edit as the replaced range [start, oldEnd) of the old text.
        var start = current.Text.Text.AsSpan().CommonPrefixLength(text);
        var oldEnd = current.Text.Length - CommonSuffix(current.Text.Text, text, start);
        var inside = current.SyntaxTree.Root.Declarations.Any(d =>
            d is RuleDeclarationSyntax or ScenarioDeclarationSyntax && d.Span.Start < start && oldEnd < d.Span.End - 1
            && !(d is RuleDeclarationSyntax r && (r.Name.Span.Touches(start) || r.Name.Span.Touches(oldEnd))));
        return (text, what, inside);
    }

    private static int CommonSuffix(string a, string b, int start)
    {
        var n = Math.Min(a.Length, b.Length) - start;
        var i = 0;
        while (i < n && a[a.Length - 1 - i] == b[b.Length - 1 - i])
        {
            i++;
        }

        return i;
    }

    private static (string Text, string What) EditText(ProtocolCompilation current, Random random)
    {
        var text = current.Text.Text;
        var at = random.Next(text.Length + 1);
        string[] snippets = [" ", "\n", "x", "{", "}", "(", ")", "\"", "// note\n", "and", "1", "-", "hold rule extra-rule {\n  when sbp < 91 mm[Hg]\n}\n", "\nconst extra-limit = 3\n"];
        switch (random.Next(14))
        {
            case 0:
            case 1:
                {
                    var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToArray();
                    var i = digits[random.Next(digits.Length)];
                    return (text[..i] + (char)('0' + random.Next(10)) + text[(i + 1)..], $"digit at {i}");
                }
            case 9:
                {
                    // Another unit for a quantity (of a rule, an observation, a scenario...): another dimension, or one the binder does not know.
                    var units = current.SyntaxTree.Tokens.Where(t => t.Kind == TokenKind.Unit).ToArray();
                    if (units.Length == 0)
                    {
                        goto default;
                    }

                    var token = units[random.Next(units.Length)];
                    string[] others = ["mg/dL", "mm[Hg]", "h", "kg", "mL", "%", "mmol/L", "/min", "umol/L", "mgdL"];
                    var unit = others[random.Next(others.Length)];
                    return (text[..token.Span.Start] + unit + text[token.Span.End..], $"unit '{token.Text}' at {token.Span.Start} to '{unit}'");
                }
            case 10:
                {
                    // An observation's kind: yes/no made a number, or a number made yes/no.
                    var observations = current.SyntaxTree.Root.OfKind<ObservationDeclarationSyntax>().ToArray();
                    if (observations.Length == 0)
                    {
                        goto default;
                    }

                    var o = observations[random.Next(observations.Length)];
                    var declaration = text[o.Span.Start..o.Span.End];
                    var changed = o.IsYesNo ? declaration.Replace(" yes/no", "", StringComparison.Ordinal).Replace("{", "{\n  unit mg/dL", StringComparison.Ordinal) : declaration.Replace(" {", " yes/no {", StringComparison.Ordinal);
                    return (text[..o.Span.Start] + changed + text[o.Span.End..], $"kind of observation '{o.Name.Text}' changed");
                }
            case 11:
                {
                    // A whole declaration removed, or written twice.
                    var declarations = current.SyntaxTree.Root.Declarations;
                    var d = declarations[random.Next(declarations.Length)];
                    var end = text.IndexOf('\n', d.Span.End) is var e and >= 0 ? e + 1 : text.Length;
                    return random.Next(2) == 0
                        ? (text.Remove(d.Span.Start, end - d.Span.Start), $"removed the {d.GetType().Name} at {d.Span.Start}")
                        : (text[..end] + text[d.Span.Start..end] + text[end..], $"repeated the {d.GetType().Name} at {d.Span.Start}");
                }
            case 12:
            case 13:
                {
                    // Inside a rule: a name it reads replaced by another observation's or constant's name, or its title changed.
                    var rules = current.SyntaxTree.Root.OfKind<RuleDeclarationSyntax>().Where(r => r.Conditions.Length > 0).ToArray();
                    if (rules.Length == 0)
                    {
                        goto default;
                    }

                    var rule = rules[random.Next(rules.Length)];
                    var names = current.SyntaxTree.Tokens.Where(t => t.Kind == TokenKind.Name && rule.Conditions[0].Span.Contains(t.Span)).ToArray();
                    var candidates = current.Protocol.Observations.Select(o => o.Name).Concat(current.Protocol.Constants.Select(c => c.Name)).ToArray();
                    if (names.Length == 0 || candidates.Length == 0 || random.Next(4) == 0)
                    {
                        // A word added at the end of the title (inside its quotes), or a title given.
                        var (position, words) = rule.Title is { } title ? (title.Span.End - 1, " revised") : (rule.Name.Span.End, " \"A title\"");
                        return (text[..position] + words + text[position..], $"title of rule {rule.Name.Text}");
                    }

                    var token = names[random.Next(names.Length)];
                    var name = candidates[random.Next(candidates.Length)];
                    return (text[..token.Span.Start] + name + text[token.Span.End..], $"'{token.Text}' at {token.Span.Start} in rule {rule.Name.Text} to '{name}'");
                }
            case 2:
                {
                    var snippet = snippets[random.Next(snippets.Length)];
                    return (text[..at] + snippet + text[at..], $"insert {Quote(snippet)} at {at}");
                }
            case 3:
                {
                    var length = Math.Min(text.Length - at, random.Next(1, 20));
                    return (text.Remove(at, length), $"delete {length} at {at}");
                }
            case 4:
                {
                    var length = Math.Min(text.Length - at, random.Next(50, 600));
                    return (text.Remove(at, length), $"delete {length} across declarations at {at}");
                }
            case 5:
            case 6:
                {
                    // Rename one occurrence of a name (a declaration or a reference to it): binding sees another name.
                    var names = current.SyntaxTree.Tokens.Where(t => t.Kind == TokenKind.Name).ToArray();
                    var token = names[random.Next(names.Length)];
                    var renamed = random.Next(2) == 0 ? token.Text + "x" : token.Text[..^1];
                    return (text[..token.Span.Start] + renamed + text[token.Span.End..], $"rename '{token.Text}' at {token.Span.Start} to '{renamed}'");
                }
            case 7:
                {
                    // Move a whole line elsewhere (a line of one declaration into another, or between declarations).
                    var lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
                    var lineEnd = text.IndexOf('\n', at) is var e and >= 0 ? e + 1 : text.Length;
                    var line = text[lineStart..lineEnd];
                    var rest = text.Remove(lineStart, lineEnd - lineStart);
                    var to = random.Next(rest.Length + 1);
                    return (rest[..to] + line + rest[to..], $"move line {Quote(line)} from {lineStart} to {to}");
                }
            default:
                {
                    // Replace a range with a piece of the file taken from elsewhere.
                    var from = random.Next(text.Length);
                    var piece = text.Substring(from, Math.Min(text.Length - from, random.Next(1, 200)));
                    var length = Math.Min(text.Length - at, random.Next(0, 100));
                    return (text[..at] + piece + text[(at + length)..], $"replace {length} at {at} with {piece.Length} from {from}");
                }
        }
    }

    private static string Quote(string s) => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static void AssertSame(ProtocolCompilation full, ProtocolCompilation incremental, string log)
    {
        Assert.Equal(full.Text.Text, incremental.Text.Text);
        Assert.True(full.SyntaxTree.Tokens.SequenceEqual(incremental.SyntaxTree.Tokens), $"tokens differ after\n{log}");
        Assert.Equal(Describe(full.SyntaxTree.Diagnostics), Describe(incremental.SyntaxTree.Diagnostics));
        var fullNodes = full.SyntaxTree.Root.DescendantsAndSelf().ToList();
        var incrementalNodes = incremental.SyntaxTree.Root.DescendantsAndSelf().ToList();
        Assert.True(fullNodes.Count == incrementalNodes.Count, $"{fullNodes.Count} nodes in full, {incrementalNodes.Count} incremental, after\n{log}");
        for (var i = 0; i < fullNodes.Count; i++)
        {
            var expected = Shape(fullNodes[i]);
            var actual = Shape(incrementalNodes[i]);
            if (expected != actual)
            {
                Assert.Fail($"node {i} differs: full {expected}, incremental {actual}, after\n{log}");
            }
        }

        Assert.Equal(SyntaxDumper.Dump(full.SyntaxTree.Root, full.Text), SyntaxDumper.Dump(incremental.SyntaxTree.Root, incremental.Text));
        Assert.Equal(Describe(full.Diagnostics), Describe(incremental.Diagnostics));
        Assert.Equal(SymbolDumper.Dump(full.Protocol), SymbolDumper.Dump(incremental.Protocol));
        Assert.Equal(SymbolSpans(full.Protocol), SymbolSpans(incremental.Protocol));
        Assert.True(incremental.Diagnostics.All(d => ReferenceEquals(d.Source, incremental.Text)), $"a diagnostic of another text after\n{log}");
        var expectedModel = BoundModel.Dump(full);
        var actualModel = BoundModel.Dump(incremental);
        if (expectedModel != actualModel)
        {
            var line = expectedModel.Split('\n').Zip(actualModel.Split('\n')).Select((p, i) => (p, i)).FirstOrDefault(x => x.p.First != x.p.Second);
            Assert.Fail($"bound models differ at line {line.i}:\n  full        {line.p.First}\n  incremental {line.p.Second}\nafter\n{log}");
        }
    }

    /// <summary>
    /// The whole bound model as the engine and the editor see it, every property of every rule (conditions, clauses,
    /// citations), observation, constant, fixture, scenario, the regimen and the occurrences, read by reflection. A syntax
    /// node is written as its index in the file's tree (or marked as not in it), a symbol as its place in the protocol's
    /// tables (or marked as stray), a source text as this file's or another's: a reused part that kept the previous
    /// version's node, symbol or text shows.
    /// </summary>
    private sealed class BoundModel
    {
        private readonly Dictionary<object, int> _nodes = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<object, string> _symbols = new(ReferenceEqualityComparer.Instance);
        private readonly ProtocolCompilation _compilation;
        private readonly StringBuilder _b = new();

        private BoundModel(ProtocolCompilation compilation)
        {
            _compilation = compilation;
            foreach (var node in compilation.SyntaxTree.Root.DescendantsAndSelf())
            {
                _nodes.TryAdd(node, _nodes.Count);
            }

            var depth = 0;
            foreach (var p in compilation.Protocol.Lineage)
            {
                IEnumerable<Symbol> symbols = [.. p.References, .. p.Events, .. p.Observations, .. p.Constants, .. p.Rules, .. p.Fixtures, .. p.RemovedRules.Select(r => r.Rule)];
                foreach (var symbol in symbols)
                {
                    _symbols.TryAdd(symbol, $"{symbol.Kind} {symbol.Name}@{symbol.ProtocolId}#{_symbols.Count}{(depth > 0 ? $" base {depth}" : "")}");
                }

                depth++;
            }
        }

        public static string Dump(ProtocolCompilation compilation)
        {
            var model = new BoundModel(compilation);
            var p = compilation.Protocol;
            model.Line("id", p.Id).Line("title", p.Title).Line("version", p.Version).Line("regimen", p.Regimen).Line("claims", p.Claims);
            foreach (var symbol in ((IEnumerable<Symbol>)[.. p.References, .. p.Events, .. p.Observations, .. p.Constants, .. p.Rules, .. p.Fixtures]))
            {
                model.Line("symbol", model.Properties(symbol, 0));
            }

            model.Line("removed", p.RemovedRules).Line("scenarios", p.Scenarios).Line("occurrences", p.Occurrences);
            return model._b.ToString();
        }

        private BoundModel Line(string what, object? value)
        {
            _b.Append(what).Append(' ').Append(value as string ?? Value(value, 0)).Append('\n');
            return this;
        }

        private string Value(object? value, int depth) => value switch
        {
            null => "null",
            string s => "\"" + s + "\"",
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            SyntaxNode n => _nodes.TryGetValue(n, out var i) ? $"node {i} {n.GetType().Name} {n.Span}"
                : _compilation.Base?.Chain.Any(c => c.SyntaxTree.Root.DescendantsAndSelf().Contains(n, ReferenceEqualityComparer.Instance)) == true ? $"base node {n.GetType().Name} {n.Span}"
                : $"NOT A NODE OF THE TREE {n.GetType().Name} {n.Span}",
            Symbol s => _symbols.TryGetValue(s, out var id) ? id : s is ProtocolReferenceSymbol pr ? $"protocol {pr.Protocol.Id}" : $"STRAY SYMBOL {s}",
            SourceText t => ReferenceEquals(t, _compilation.Text) ? "this text" : _compilation.Base?.Chain.Any(c => ReferenceEquals(c.Text, t)) == true ? $"base text {t.Path}" : "ANOTHER TEXT",
            BoundProtocol bp => $"protocol {bp.Id}",
            IlTwo.Runtime.Units.UcumUnit u => u.Code,
            TextSpan or Enum or bool or int or long => value.ToString()!,
            IEnumerable items => ImmutableDefault(value) ? "default" : "[" + string.Join(", ", items.Cast<object?>().Select(x => Value(x, depth + 1))) + "]",
            _ when depth > 40 => "TOO DEEP",
            _ => Properties(value, depth + 1),
        };

        private static bool ImmutableDefault(object value) =>
            value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
            && (bool)type.GetProperty("IsDefault")!.GetValue(value)!;

        /// <summary>Every public property of an object (the bound records, symbols, regimen, tuples by their fields).</summary>
        private string Properties(object value, int depth)
        {
            var type = value.GetType();
            if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
            {
                return "(" + string.Join(", ", type.GetFields().Select(f => Value(f.GetValue(value), depth + 1))) + ")";
            }

            var b = new StringBuilder(type.Name).Append(" {");
            foreach (var property in Reflected(type))
            {
                var v = property.GetValue(value);
                // A symbol's own details are written where it is listed; where it is referred to, its identity.
                b.Append(' ').Append(property.Name).Append('=').Append(v is Symbol s && depth > 0 ? Value(s, depth) : Value(v, depth + 1)).Append(';');
            }

            if (value is Symbol symbol)
            {
                b.Append(" identity=").Append(Value(symbol, depth));
            }

            return b.Append(" }").ToString();
        }

        private static readonly Dictionary<Type, PropertyInfo[]> PropertiesByType = [];

        private static PropertyInfo[] Reflected(Type type)
        {
            lock (PropertiesByType)
            {
                if (!PropertiesByType.TryGetValue(type, out var properties))
                {
                    PropertiesByType[type] = properties = [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .Where(p => p.Name != "EqualityContract" && p.GetIndexParameters().Length == 0 && p.Name is not ("AllScenarios" or "InheritedScenarios" or "Lineage" or "Tree" or "Base"))
                        .OrderBy(p => p.Name, StringComparer.Ordinal)];
                }

                return properties;
            }
        }
    }

    /// <summary>A node's kind with every span and scalar of its own (children are compared as nodes of their own).</summary>
    private static string Shape(SyntaxNode node)
    {
        var b = new StringBuilder(node.GetType().Name);
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.Name == "EqualityContract" || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var value = property.GetValue(node);
            var text = value switch
            {
                SyntaxNode child => $"<{child.GetType().Name} {child.Span}>",
                IEnumerable items and not string => "[" + string.Join(",", items.Cast<object?>().Select(x => x is SyntaxNode n ? $"{n.GetType().Name} {n.Span}" : x?.ToString())) + "]",
                _ => value?.ToString() ?? "null",
            };
            b.Append(' ').Append(property.Name).Append('=').Append(text);
        }

        return b.ToString();
    }

    /// <summary>Where every bound symbol of the file says it is declared (what go-to-definition, rename and the outline use).</summary>
    private static string SymbolSpans(BoundProtocol protocol)
    {
        IEnumerable<Symbol> symbols = [.. protocol.References, .. protocol.Events, .. protocol.Observations, .. protocol.Constants, .. protocol.Rules, .. protocol.Fixtures];
        return string.Join("\n", symbols.Select(s => $"{s.GetType().Name} {s.Name} {s.ProtocolId} {s.Location.Span}")
            .Concat(protocol.Claims.Select(c => $"claim {c.TargetId} {c.NameSpan} {c.Span}"))
            .Concat(protocol.RemovedRules.Select(r => $"removed {r.Rule.Name} {r.Span}"))
            .Concat(protocol.Scenarios.Select(s => $"scenario {s.Title} {s.Syntax.Span}")));
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Code} {d.Severity} {d.Span} {d.Message} [{string.Join("; ", d.Fixes.Select(f => $"{f.Title} {f.Span} {f.NewText}"))}]"));
}
