using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using IlTwo.Dsl.Compilation;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Proves <c>claim more conservative than NAME</c> with the same analysis as <c>il2 diff</c>: refuted with a verified
/// counterexample patient when a change is less conservative, undecided naming what the analysis cannot tell.
/// </summary>
internal static class ClaimCheck
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Registers the comparison as the claim prover of ProtocolCompilation, so the compilation stage does not reference the comparison above it.")]
    internal static void Register() => ClaimProvers.Register(Prove);

    private static ClaimProof Prove(ProtocolCompilation target, ProtocolCompilation self, string targetId)
    {
        ProtocolDiff diff;
        try
        {
            // The region check decides a claim that holds; the rule-by-rule rows are only needed to say why one does not.
            if (ProtocolComparer.Compare(target, self, ruleByRule: false).Overall is SafetyVerdict.MoreConservative or SafetyVerdict.Neutral)
            {
                return ClaimProof.Proven;
            }

            diff = ProtocolComparer.Compare(target, self);
        }
        catch (Verification.SolverUnavailableException e)
        {
            // Never a verdict without the solver: the claim stays unproven, saying why.
            return new ClaimProof(false, null, [e.Message]);
        }

        if (diff.Overall is SafetyVerdict.MoreConservative or SafetyVerdict.Neutral)
        {
            return ClaimProof.Proven;
        }

        var less = diff.Changes.Where(c => c.Verdict is SafetyVerdict.LessConservative or SafetyVerdict.Mixed).ToList();
        var example = diff.Rules.LessExample ?? less.Select(c => c.Counterexample).FirstOrDefault(c => c is not null);
        if (example is not null || (diff.Overall is SafetyVerdict.LessConservative or SafetyVerdict.Mixed && less.Count > 0))
        {
            var why = less.Count > 0 ? string.Join("; ", less.Select(c => $"{c.Summary}: {c.Reason}")) : diff.Rules.Reason;
            var counterexample = example is null ? default((string, string, string)?) : (example.Describe(), example.NewDecision.ToString(), example.OldDecision.ToString());
            return new ClaimProof(false, (why, counterexample), []);
        }

        var undecided = diff.Changes.Where(c => c.Verdict == SafetyVerdict.CannotTell).Select(c => $"{c.Summary} ({c.Reason})")
            .Concat(diff.Rules.Verdict == SafetyVerdict.CannotTell
                ? [diff.Rules.UndecidedBecause.IsEmpty ? diff.Rules.Reason : $"{Named(diff.Rules.UndecidedBecause)}: {diff.Rules.Reason}"]
                : [])
            .ToList();
        return new ClaimProof(false, null, undecided);
    }

    /// <summary>The first few rules by name and how many more: a warning that lists sixty rules is not read.</summary>
    private static string Named(IReadOnlyCollection<string> rules)
    {
        const int Shown = 5;
        var names = string.Join(", ", rules.Take(Shown).Select(r => $"'{r}'"));
        return rules.Count <= Shown ? $"rule(s) {names}" : $"{rules.Count} rules ({names} and {rules.Count - Shown} more)";
    }
}
