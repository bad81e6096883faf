using System.Globalization;
using System.Text;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Formatting;

/// <summary>The files the formatter tests run over, and the comparisons that prove formatting is safe.</summary>
internal static class FormattingCorpus
{
    public static string GoldenFolder => Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Formatting", "Golden");

    public static string[] ShippedNames { get; } = ["hd-il2-monotherapy", "post-til-il2"];

    public static IEnumerable<string> GoldenInputs() =>
        Directory.EnumerateFiles(GoldenFolder, "*.il2").Order(StringComparer.Ordinal);

    /// <summary>Every golden input and every shipped protocol, by a name relative to the repository root.</summary>
    public static IEnumerable<string> AllFiles() =>
        GoldenInputs().Concat(ShippedNames.Select(TestProtocols.Shipped))
            .Concat(Directory.EnumerateFiles(Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course"), "*.il2").Order(StringComparer.Ordinal))
            .Select(p => Path.GetRelativePath(TestProtocols.RepositoryRoot, p).Replace('\\', '/'));

    public static SyntaxTree Parse(string relativePath)
    {
        var path = Path.Combine(TestProtocols.RepositoryRoot, relativePath);
        return SyntaxTree.Parse(SourceText.FromBytes(File.ReadAllBytes(path), path));
    }

    public static string ReadText(string path) => SourceText.FromBytes(File.ReadAllBytes(path), path).Text;

    /// <summary>The comments of a tree, as a sorted multiset (trailing spaces are not part of a comment).</summary>
    public static List<string> Comments(SyntaxTree tree) =>
        [.. tree.Tokens.Where(t => t.Kind == TokenKind.Comment).Select(t => t.Text.TrimEnd()).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Everything the tree means, one line per node, without positions: every name, quantity, string value, flag,
    /// and every expression as <see cref="ExpressionPrinter"/> prints it. Two trees with equal dumps say the same thing.
    /// </summary>
    public static string Structure(SyntaxTree tree)
    {
        var builder = new StringBuilder();
        foreach (var node in tree.Root.DescendantsAndSelf())
        {
            builder.Append(node.GetType().Name);
            var detail = node switch
            {
                NameSyntax n => n.Text,
                QuantitySyntax q => ExpressionPrinter.Print(q) + " = " + q.Value.ToString("R", CultureInfo.InvariantCulture),
                UnitSyntax u => u.Code,
                StringLiteralSyntax s => s.Value,
                ExpressionSyntax e => ExpressionPrinter.Print(e),
                VersionDeclarationSyntax v => v.VersionText,
                ReferenceDeclarationSyntax r => $"doi={r.Doi?.Value} url={r.Url?.Value}",
                ObservationDeclarationSyntax o => $"yes/no={o.IsYesNo}",
                RuleDeclarationSyntax r => $"override={r.IsOverride} action={r.Action} conditions={r.Conditions.Length} citations={r.Citations.Length}",
                LoincItemSyntax l => l.Code,
                MaxDosesItemSyntax m => m.Scope.ToString(),
                ScenarioDoseSyntax d => $"given={d.Given}",
                ScenarioObservationSyntax o => $"flag={o.Flag}",
                ScenarioExpectSyntax x => $"{x.Action} because={x.HasBecause}",
                IntervalItemSyntax i => $"range={i.Longest is not null}",
                _ => "",
            };
            builder.Append(' ').Append(detail).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>A large, formatted protocol in the house style (at least <paramref name="lines"/> lines), with comments.</summary>
    public static string Generate(int lines)
    {
        var builder = new StringBuilder();
        builder.Append("// A generated protocol for the formatter benchmark.\n\nprotocol generated\ntitle \"Generated\"\nversion 1.0.0\n\n");
        builder.Append("reference ref-a \"Reference A\"\n  doi \"10.1/a\"\nreference ref-b \"Reference B\"\n  url \"https://example.org/b\"\n\n");
        builder.Append("const low = 90 mm[Hg]\nconst high = 250 mm[Hg]\n\n");
        var i = 0;
        while (builder.Length < lines * 28)
        {
            builder.Append(CultureInfo.InvariantCulture, $"// ---------------------------------------------------------------- group {i}\n\n");
            builder.Append(CultureInfo.InvariantCulture, $"observation obs-{i} \"Observation {i}\" {{\n  loinc 8480-6\n  unit mm[Hg]\n  within 4 h // recent enough\n  range 40 mm[Hg] to 250 mm[Hg]\n}}\n\n");
            builder.Append(CultureInfo.InvariantCulture, $"// Holds when observation {i} is low.\nhold rule rule-{i} \"Rule {i} with \\\"quotes\\\"\" {{\n  when obs-{i} < low and (obs-{i} > 10 mm[Hg] or sum(obs-{i}, last 8 h) < 2 x high)\n  cite ref-a \"Table {i}\"\n}}\n\n");
            builder.Append(CultureInfo.InvariantCulture, $"scenario \"scenario {i}\" {{\n  weight 70 kg\n  obs-{i} 84 mm[Hg] 1 h ago\n\n  dose given 8 h ago\n  expect hold because rule-{i}\n}}\n\n");
            i++;
        }
        builder.Length -= 1; // one newline at the end, not a blank line
        return builder.ToString();
    }
}
