using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;

namespace IlTwo.Dsl.Tests.Review;

/// <summary>
/// The mutant corpus (Mutants/mutants.txt): edits of the shipped protocols whose effect on patients is known. Each must
/// get its verdict from 'il2 diff' — proven, never "cannot tell" — with a checked patient for every loosening, and the
/// reverse diff (mutant to shipped) must get the mirrored verdict.
/// </summary>
public sealed class MutantTests
{
    private static readonly string CorpusPath = Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Review", "Mutants", "mutants.txt");

    internal sealed record Edit(string Find, string Replace);

    internal sealed record Mutant(string Name, string Protocol, SafetyVerdict Verdict, string Why, IReadOnlyList<Edit> Edits, int Line);

    private static readonly Lazy<IReadOnlyList<Mutant>> Corpus = new(() => Parse(File.ReadAllLines(CorpusPath)));

    public static TheoryData<string> Names() => [.. Corpus.Value.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Mutant_gets_its_known_verdict_both_ways(string name)
    {
        var mutant = Corpus.Value.Single(m => m.Name == name);
        var shippedPath = TestProtocols.Shipped(mutant.Protocol);
        var mutantPath = DiffTests.EditedCopy(mutant.Protocol, text => Apply(mutant, text));
        var shipped = Compile(shippedPath);
        var edited = Compile(mutantPath);

        var forward = ProtocolComparer.Compare(shipped, edited);
        Assert.True(forward.Overall == mutant.Verdict,
            $"mutants.txt:{mutant.Line} {mutant.Name} ({mutant.Why}): expected {VerdictText.Lower(mutant.Verdict)}\n{DiffFormatter(forward)}");
        CheckWitnesses(forward, mutant);

        var backward = ProtocolComparer.Compare(edited, shipped);
        var mirrored = Mirror(mutant.Verdict);
        Assert.True(backward.Overall == mirrored,
            $"mutants.txt:{mutant.Line} {mutant.Name} reversed: expected {VerdictText.Lower(mirrored)}\n{DiffFormatter(backward)}");
    }

    [Fact]
    public void Corpus_covers_every_verdict_and_both_protocols()
    {
        var corpus = Corpus.Value;
        Assert.True(corpus.Count >= 30, $"{corpus.Count} mutants");
        Assert.Equal(corpus.Count, corpus.Select(m => m.Name).Distinct().Count());
        foreach (var verdict in new[] { SafetyVerdict.MoreConservative, SafetyVerdict.LessConservative, SafetyVerdict.Neutral, SafetyVerdict.Mixed })
        {
            Assert.Contains(corpus, m => m.Verdict == verdict);
        }

        Assert.Contains(corpus, m => m.Protocol == "post-til-il2");
        Assert.Contains(corpus, m => m.Protocol == "hd-il2-monotherapy");
    }

    /// <summary>A loosening shows a patient the new version gives and the old one held; "mixed" shows both directions.</summary>
    private static void CheckWitnesses(ProtocolDiff diff, Mutant mutant)
    {
        if (diff.Rules.Verdict is SafetyVerdict.LessConservative or SafetyVerdict.Mixed)
        {
            Assert.True(diff.Rules.LessExample is not null, $"{mutant.Name}: no checked patient for the loosening\n{DiffFormatter(diff)}");
        }

        if (diff.Rules.Verdict == SafetyVerdict.Mixed)
        {
            Assert.True(diff.Rules.MoreExample is not null, $"{mutant.Name}: no checked patient for the tightening\n{DiffFormatter(diff)}");
        }
    }

    private static SafetyVerdict Mirror(SafetyVerdict verdict) => verdict switch
    {
        SafetyVerdict.MoreConservative => SafetyVerdict.LessConservative,
        SafetyVerdict.LessConservative => SafetyVerdict.MoreConservative,
        _ => verdict,
    };

    private static string DiffFormatter(ProtocolDiff diff) => Dsl.Rendering.DiffFormatter.Text(diff);

    private static ProtocolCompilation Compile(string path)
    {
        var compilation = TestProtocols.Compile(path);
        var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError && !ProtocolComparer.IsFinding(d)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(d => d.ToCompilerFormat())));
        return compilation;
    }

    private static string Apply(Mutant mutant, string text)
    {
        foreach (var edit in mutant.Edits)
        {
            var first = text.IndexOf(edit.Find, StringComparison.Ordinal);
            Assert.True(first >= 0, $"mutants.txt:{mutant.Line} {mutant.Name}: '{edit.Find}' is not in {mutant.Protocol}");
            Assert.True(text.IndexOf(edit.Find, first + 1, StringComparison.Ordinal) < 0, $"mutants.txt:{mutant.Line} {mutant.Name}: '{edit.Find}' occurs more than once in {mutant.Protocol}");
            text = string.Concat(text.AsSpan(0, first), edit.Replace, text.AsSpan(first + edit.Find.Length));
        }
        return text;
    }

    /// <summary>Reads the corpus: blocks of <c>key: value</c> lines and <c>- find</c> / <c>+ replace</c> pairs (lines that follow continue them).</summary>
    internal static IReadOnlyList<Mutant> Parse(IReadOnlyList<string> lines)
    {
        var mutants = new List<Mutant>();
        var fields = new Dictionary<string, string>();
        var edits = new List<Edit>();
        List<string>? find = null;
        List<string>? replace = null;
        List<string>? current = null;
        var start = 0;

        void EndPair()
        {
            if (find is not null || replace is not null)
            {
                Assert.True(find is not null && replace is not null, $"mutants.txt:{start}: a '-' line needs its '+' line");
                edits.Add(new Edit(string.Join("\n", find), string.Join("\n", replace)));
            }
            find = replace = current = null;
        }

        void EndBlock()
        {
            EndPair();
            if (fields.Count > 0)
            {
                var verdict = fields["verdict"] switch
                {
                    "more-conservative" => SafetyVerdict.MoreConservative,
                    "less-conservative" => SafetyVerdict.LessConservative,
                    "neutral" => SafetyVerdict.Neutral,
                    "mixed" => SafetyVerdict.Mixed,
                    var other => throw new InvalidDataException($"mutants.txt:{start}: unknown verdict '{other}'"),
                };
                Assert.True(edits.Count > 0, $"mutants.txt:{start}: mutant '{fields["mutant"]}' has no edit");
                mutants.Add(new Mutant(fields["mutant"], fields["protocol"], verdict, fields.GetValueOrDefault("why", ""), [.. edits], start));
            }
            fields.Clear();
            edits.Clear();
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.Length == 0)
            {
                EndBlock();
                continue;
            }
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                EndPair();
                find = [line[2..]];
                current = find;
            }
            else if (line.StartsWith("+ ", StringComparison.Ordinal))
            {
                Assert.True(find is not null && replace is null, $"mutants.txt:{i + 1}: a '+' line must follow a '-' line");
                replace = [line[2..]];
                current = replace;
            }
            else if (current is not null)
            {
                current.Add(line);
            }
            else
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                Assert.True(colon > 0, $"mutants.txt:{i + 1}: expected 'key: value'");
                if (fields.Count == 0)
                {
                    start = i + 1;
                }

                fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }
        EndBlock();
        return mutants;
    }
}
