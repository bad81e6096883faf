using IlTwo.Dsl.Analysis;
using IlTwo.Dsl.Analysis.Verification;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests.Analysis;

/// <summary>
/// The reviewer warnings (never fires, always fires, subsumed) have two independent deciders: the interval analysis for
/// what it can see into, and the SMT solver for the rest. Where the intervals see a whole condition, both must agree.
/// </summary>
public sealed class RuleQuestionsTests
{
    /// <summary>The shipped protocols (no findings) and the corpus cases whose findings the intervals make.</summary>
    public static TheoryData<string> Protocols() =>
    [
        "protocols/hd-il2-monotherapy.il2",
        "protocols/post-til-il2.il2",
        "tests/IlTwo.Dsl.Tests/Corpus/Diagnostics/IL0301-rule-never-fires.il2",
        "tests/IlTwo.Dsl.Tests/Corpus/Diagnostics/IL0302-rule-always-fires.il2",
    ];

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Solver_and_intervals_agree_on_every_rule_the_intervals_see_into(string path)
    {
        var full = Path.Combine(TestProtocols.RepositoryRoot, path);
        // Corpus files carry markers ([| |], //!): compile the text the corpus tests compile.
        var text = path.StartsWith("tests/", StringComparison.Ordinal)
            ? System.Text.Encoding.UTF8.GetString(MarkedSource.Parse(File.ReadAllBytes(full), full).Bytes)
            : File.ReadAllText(full);
        var compilation = path.StartsWith("tests/", StringComparison.Ordinal) ? TestProtocols.CompileText(text) : TestProtocols.Compile(full);
        var findings = 0;
        var protocol = compilation.Protocol;
        using var questions = RuleQuestions.TryStart(protocol) ?? throw new InvalidOperationException("the tests need z3 (scripts/install-z3.sh)");
        var space = new ConditionSpace();
        var disagreements = new List<string>();
        foreach (var rule in protocol.Rules.Where(r => r.Condition is not BoundErrorExpression))
        {
            var satisfying = space.Satisfying(rule.Condition);
            var falsifying = space.Falsifying(rule.Condition);
            var opaque = satisfying is null || falsifying is null
                || satisfying.Concat(falsifying).Any(b => b.Constraints.Keys.Any(k => k.StartsWith(ConditionSpace.OpaquePrefix, StringComparison.Ordinal)));
            if (opaque)
            {
                continue;
            }

            findings += satisfying!.Count == 0 || falsifying!.Count == 0 ? 1 : 0;
            if ((satisfying!.Count == 0) != questions.NeverFires(rule))
            {
                disagreements.Add($"{rule.Name}: never fires: intervals {satisfying.Count == 0}");
            }
            if ((falsifying!.Count == 0) != questions.AlwaysFires(rule))
            {
                disagreements.Add($"{rule.Name}: always fires: intervals {falsifying.Count == 0}");
            }
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        // The shipped protocols have none of these findings; each corpus case has its one.
        Assert.Equal(path.StartsWith("tests/", StringComparison.Ordinal) ? 1 : 0, findings);
    }

    [Fact]
    public void A_ratio_rule_inside_a_wider_one_is_subsumed_and_not_the_reverse()
    {
        var compilation = TestProtocols.CompileText("""
            protocol q
            title "q"
            version 1.0.0
            regimen {
              drug aldesleukin
              every 8 h
            }
            reference ref "A reference"
            observation sbp "Systolic blood pressure" {
              unit mm[Hg]
              within 4 h
              range 40 mm[Hg] to 250 mm[Hg]
            }
            observation heart-rate "Heart rate" {
              unit /min
              within 4 h
              range 30 /min to 220 /min
            }
            hold rule wide "A rule" {
              when sbp / heart-rate < 1 mm[Hg].min
              cite ref "table"
            }
            hold rule narrow "A rule" {
              when sbp / heart-rate < 0.8 mm[Hg].min and sbp < 120 mm[Hg]
              cite ref "table"
            }
            """);
        using var questions = RuleQuestions.TryStart(compilation.Protocol)!;
        var wide = compilation.Protocol.FindRule("wide")!;
        var narrow = compilation.Protocol.FindRule("narrow")!;
        Assert.True(questions.Implies(narrow, wide));
        Assert.False(questions.Implies(wide, narrow));
        Assert.False(questions.NeverFires(narrow));
        Assert.False(questions.AlwaysFires(wide));
        var warning = Assert.Single(compilation.Diagnostics, d => d.Descriptor == DiagnosticCatalog.RuleSubsumed);
        Assert.Contains("'narrow' is subsumed by 'wide'", warning.Message, StringComparison.Ordinal);
    }
}
