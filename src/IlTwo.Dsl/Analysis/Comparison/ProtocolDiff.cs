using System.Collections.Immutable;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>Whether a change makes the protocol safer or riskier for the patient.</summary>
public enum SafetyVerdict
{
    /// <summary>No effect on when doses are given, held or stopped (wording, citations, references, scenarios).</summary>
    Neutral,

    /// <summary>Holds or stops in at least every situation it did before, or gives fewer doses.</summary>
    MoreConservative,

    /// <summary>Gives a dose in some situation the old version held or stopped, or gives more doses.</summary>
    LessConservative,

    /// <summary>The verifier cannot decide (the solver gave up within its time budget, or no record reproduces what it found).</summary>
    CannotTell,

    /// <summary>Safer in some situations and riskier in others: both directions shown with a checked patient.</summary>
    Mixed,
}

public enum ChangeArea
{
    Header,
    Regimen,
    Observation,
    Rule,
    Reference,
    Scenario,

    /// <summary>How rules act over the course: <c>until</c>, <c>persistent for</c>, <c>corrected when</c>, groups.</summary>
    Course,
}

public enum ChangeKind
{
    Added,
    Removed,
    Renamed,
    Changed,
}

/// <summary>One before/after line of a change (<c>threshold: sbp &lt; 90 mm[Hg] → sbp &lt; 95 mm[Hg]</c>); null means absent.</summary>
public sealed record ChangeDetail(string What, string? Before, string? After);

/// <summary>A patient value of a counterexample: <c>sbp = 88 mm[Hg]</c>.</summary>
public sealed record WitnessValue(string Name, string Value)
{
    public override string ToString() => $"{Name} = {Value}";
}

/// <summary>
/// A patient state on which the two versions decide differently, checked by evaluating both versions on a full record
/// (a scenario's patient with these values put in).
/// </summary>
public sealed record Counterexample(ImmutableArray<WitnessValue> Values, string OldDecision, string NewDecision)
{
    public string Describe() => string.Join(", ", Values);
}

/// <summary>One change in meaning between two protocol versions, with its safety verdict and why.</summary>
public sealed record ProtocolChange(
    ChangeArea Area,
    ChangeKind Kind,
    string Subject,
    string Summary,
    ImmutableArray<ChangeDetail> Details,
    SafetyVerdict Verdict,
    string Reason,
    Counterexample? Counterexample = null);

/// <summary>The comparison of the hold region (any hold or discontinue rule fires) and the stop region (a discontinue rule fires).</summary>
public sealed record RegionComparison(
    SafetyVerdict Verdict,
    string Reason,
    Counterexample? LessExample,
    Counterexample? MoreExample,
    ImmutableArray<string> UndecidedBecause);

/// <summary>
/// What the compiler found in one of the compared versions that does not stop the comparison: a refuted or unproven
/// <c>claim more conservative than</c> (with its counterexample). A committee needs the diff most when a claim breaks.
/// </summary>
public sealed record DiffFinding(string Version, string Code, string Severity, string Location, string Message);

/// <summary>What changed between two versions of a protocol, and whether it is safer or riskier for the patient.</summary>
public sealed record ProtocolDiff(
    string OldLabel,
    string NewLabel,
    string OldId,
    string NewId,
    string? OldVersion,
    string? NewVersion,
    SafetyVerdict Overall,
    string OverallSummary,
    RegionComparison Rules,
    ImmutableArray<ProtocolChange> Changes,
    ImmutableArray<DiffFinding> Findings)
{
    public bool HasChanges => !Changes.IsEmpty;

    /// <summary>One line for the top of a report: <c>Overall: LESS CONSERVATIVE — 1 change allows doses the old version held</c>.</summary>
    public string OverallLine => $"Overall: {VerdictText.Upper(Overall)} — {OverallSummary}";
}

public static class VerdictText
{
    public static string Upper(SafetyVerdict verdict) => verdict switch
    {
        SafetyVerdict.Neutral => "NO CHANGE IN SAFETY",
        SafetyVerdict.MoreConservative => "MORE CONSERVATIVE",
        SafetyVerdict.LessConservative => "LESS CONSERVATIVE",
        SafetyVerdict.Mixed => "MIXED",
        _ => "CANNOT TELL",
    };

    public static string Lower(SafetyVerdict verdict) => verdict switch
    {
        SafetyVerdict.Neutral => "neutral",
        SafetyVerdict.MoreConservative => "more conservative",
        SafetyVerdict.LessConservative => "less conservative",
        SafetyVerdict.Mixed => "mixed",
        _ => "cannot tell",
    };

    /// <summary>The stable JSON value.</summary>
    public static string Json(SafetyVerdict verdict) => verdict switch
    {
        SafetyVerdict.Neutral => "neutral",
        SafetyVerdict.MoreConservative => "more-conservative",
        SafetyVerdict.LessConservative => "less-conservative",
        SafetyVerdict.Mixed => "mixed",
        _ => "cannot-tell",
    };

    /// <summary>Several verdicts as one: any doubt is "cannot tell"; safer and riskier together are "mixed".</summary>
    public static SafetyVerdict Combine(IEnumerable<SafetyVerdict> verdicts)
    {
        var set = verdicts.ToHashSet();
        if (set.Contains(SafetyVerdict.CannotTell))
        {
            return SafetyVerdict.CannotTell;
        }

        if (set.Contains(SafetyVerdict.Mixed) || (set.Contains(SafetyVerdict.LessConservative) && set.Contains(SafetyVerdict.MoreConservative)))
        {
            return SafetyVerdict.Mixed;
        }

        if (set.Contains(SafetyVerdict.LessConservative))
        {
            return SafetyVerdict.LessConservative;
        }

        return set.Contains(SafetyVerdict.MoreConservative) ? SafetyVerdict.MoreConservative : SafetyVerdict.Neutral;
    }
}
