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
        var previous = ProtocolCompilation.Create(SourceText.From(text, path), null, Bound);
        var lastClean = text;
        var reused = 0;
        var log = new StringBuilder();
        for (var step = 0; step < steps; step++)
        {
            var (edited, what) = previous.SyntaxTree.Diagnostics.IsEmpty || random.Next(2) > 0 ? Edit(previous, random) : (lastClean, "back to the last text without syntax errors");
            log.Append(step).Append(": ").Append(what).Append('\n');
            var source = SourceText.From(edited, path);
            var incremental = ProtocolCompilation.Create(source, null, Bound, previous);
            var full = ProtocolCompilation.Create(SourceText.From(edited, path), null, Bound);
            AssertSame(full, incremental, log.ToString());
            if (incremental.SyntaxTree.Root.Declarations.Any(d => previous.SyntaxTree.Root.Declarations.Contains(d, ReferenceEqualityComparer.Instance)))
            {
                reused++;
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

    /// <summary>One random edit of the kinds a user makes, some of them breaking the file.</summary>
    private static (string Text, string What) Edit(ProtocolCompilation current, Random random)
    {
        var text = current.Text.Text;
        var at = random.Next(text.Length + 1);
        string[] snippets = [" ", "\n", "x", "{", "}", "(", ")", "\"", "// note\n", "and", "1", "-", "hold rule extra-rule {\n  when sbp < 91 mm[Hg]\n}\n", "\nconst extra-limit = 3\n"];
        switch (random.Next(9))
        {
            case 0:
            case 1:
                {
                    var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToArray();
                    var i = digits[random.Next(digits.Length)];
                    return (text[..i] + (char)('0' + random.Next(10)) + text[(i + 1)..], $"digit at {i}");
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
