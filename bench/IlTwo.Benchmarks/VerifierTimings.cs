using System.Diagnostics;
using System.Globalization;
using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Benchmarks;

/// <summary>
/// <c>dotnet bench/IlTwo.Benchmarks/bin/Release/net10.0/IlTwo.Benchmarks.dll verifier [rounds] [lines]</c>: wall-clock
/// time of the SMT-backed verifier (z3 over a pipe) where the committee waits: the post-TIL claim (compiling post-til-il2,
/// whose claim is proven while it compiles, against compiling the same file with the claim removed), il2 diff of the two
/// shipped protocols, and il2 diff of a generated protocol of about <c>lines</c> lines (default 5,000) against a copy
/// with one threshold moved. Compilations are built first, so only the comparison is timed. Prints a Markdown table
/// of min and median over the rounds (default 3) with the verdict and the solver's query count.
/// </summary>
internal static class VerifierTimings
{
    public static void Run(IReadOnlyList<string> args)
    {
        var rounds = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var lines = args.Count > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
        var protocols = Path.Combine(FindRoot(), "protocols");
        var mono = Path.Combine(protocols, "hd-il2-monotherapy.il2");
        var postTil = Path.Combine(protocols, "post-til-il2.il2");

        Console.WriteLine("| What | Min | Median | Verdict |");
        Console.WriteLine("|---|---|---|---|");

        // The claim: compile post-til-il2 as is, and with its claim line removed (the baseline of the same run).
        var postTilText = File.ReadAllText(postTil);
        var withoutClaim = string.Join('\n', postTilText.Split('\n').Where(l => !l.StartsWith("claim ", StringComparison.Ordinal)));
        var claim = Time(rounds, () => ProtocolCompilation.Create(SourceText.From(postTilText, postTil)).HasErrors ? "claim refuted" : "claim proven");
        var noClaim = Time(rounds, () => ProtocolCompilation.Create(SourceText.From(withoutClaim, postTil)).HasErrors ? "errors" : "compiles");
        Row("compile post-til-il2 without its claim (baseline)", noClaim);
        Row($"compile post-til-il2 with its claim ({Ratio(claim, noClaim)})", claim);
        Row("claim proof alone (difference of medians)", (TimeSpan.FromTicks(Math.Max(0, claim.Median.Ticks - noClaim.Median.Ticks)), TimeSpan.Zero, claim.Verdict));

        var old = ProtocolCompilation.Create(SourceText.From(File.ReadAllText(mono), mono));
        var @new = ProtocolCompilation.Create(SourceText.From(postTilText, postTil));
        Row("il2 diff hd-il2-monotherapy post-til-il2", Time(rounds, () => Verdict(ProtocolComparer.Compare(old, @new))));

        // A generated protocol and a copy with one hold threshold raised (more conservative) and one lowered (less).
        var text = ProtocolGenerator.Generate(lines);
        var (raised, lowered) = (MoveFirstThreshold(text, "lab-0-high", +1), MoveFirstThreshold(text, "lab-1-high", -1));
        var generated = ProtocolCompilation.Create(SourceText.From(text, "generated.il2"));
        foreach (var (what, edited) in new[] { ("raised", raised), ("lowered", lowered), ("raised and another lowered", MoveFirstThreshold(raised, "lab-1-high", -1)) })
        {
            var mutant = ProtocolCompilation.Create(SourceText.From(edited, "generated-mutant.il2"));
            var count = text.Count(c => c == '\n');
            Row($"il2 diff generated ({count} lines, {generated.Protocol.Rules.Length} rules), one threshold {what}", Time(rounds, () => Verdict(ProtocolComparer.Compare(generated, mutant))));
        }
    }

    private static string Verdict(ProtocolDiff diff) => VerdictText.Lower(diff.Overall);

    /// <summary>The rule's first <c>&gt;= N unit</c> threshold moved by <paramref name="step"/> (in its unit).</summary>
    private static string MoveFirstThreshold(string text, string rule, int step)
    {
        var start = text.IndexOf($"hold rule {rule} ", StringComparison.Ordinal);
        var when = text.IndexOf("  when ", start, StringComparison.Ordinal);
        var op = text.IndexOf(">= ", when, StringComparison.Ordinal) + 3;
        var end = text.IndexOf(' ', op);
        var value = double.Parse(text[op..end], CultureInfo.InvariantCulture);
        return string.Concat(text.AsSpan(0, op), (value + step).ToString(CultureInfo.InvariantCulture), text.AsSpan(end));
    }

    private static (TimeSpan Min, TimeSpan Median, string Verdict) Time(int rounds, Func<string> run)
    {
        var times = new List<TimeSpan>();
        var verdict = "";
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            verdict = run();
            times.Add(clock.Elapsed);
        }
        times.Sort();
        return (times[0], times[times.Count / 2], verdict);
    }

    private static string Ratio((TimeSpan Min, TimeSpan Median, string Verdict) a, (TimeSpan Min, TimeSpan Median, string Verdict) b) =>
        string.Create(CultureInfo.InvariantCulture, $"{a.Median.TotalMilliseconds / Math.Max(b.Median.TotalMilliseconds, 0.001):0.00}x the baseline");

    private static void Row(string what, (TimeSpan Min, TimeSpan Median, string Verdict) t) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {t.Min.TotalMilliseconds:0} ms | {t.Median.TotalMilliseconds:0} ms | {t.Verdict} |"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("IlTwo.Dsl.sln not found above " + AppContext.BaseDirectory);
    }
}
