using System.Collections.Immutable;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

public enum DoseAction
{
    Give,
    Hold,
    Discontinue,
}

/// <summary>
/// The engine's answer for one dose: what to do, and every reason for it. Immutable.
/// </summary>
/// <remarks>
/// A dose is <see cref="DoseAction.Give"/> only when no discontinue or hold rule fired, no rule was undecidable for
/// lack of (non-optional) data, the record had no data errors, and the schedule allows a dose now.
/// </remarks>
public sealed record DoseDecision
{
    public required DoseAction Action { get; init; }

    /// <summary>The moment the decision is for (data after it is ignored).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The number this dose would be: given plus held dose slots so far, plus one.</summary>
    public required int DoseNumber { get; init; }

    /// <summary>Every rule whose condition is true: discontinue rules first, then hold rules, each in protocol order.</summary>
    public ImmutableArray<FiredRule> Rules { get; init; } = [];

    /// <summary>Data a rule needed but did not have, one entry per observation (or weight / event / dose).</summary>
    public ImmutableArray<MissingData> Missing { get; init; } = [];

    public ImmutableArray<ScheduleFinding> Schedule { get; init; } = [];

    /// <summary>Record values the engine refused (e.g. a unit that cannot be converted). Any of these holds the dose.</summary>
    public ImmutableArray<RecordIssue> DataErrors { get; init; } = [];

    /// <summary>
    /// Give: <see cref="At"/>. Hold: the schedule's next permitted time, or the next scheduled slot
    /// (<see cref="At"/> + the minimum interval; a held dose is not made up), or null when no time can be given
    /// (a new cycle or a clinician's decision is needed). Discontinue: null.
    /// </summary>
    public DateTimeOffset? NextDoseAt { get; init; }

    public required int DosesGiven { get; init; }

    /// <summary>
    /// Dose slots left in the course (max doses per course − given − held; held doses use their slot), never
    /// negative; null when the protocol has no course limit. Counts the record before this decision.
    /// </summary>
    public int? DosesRemaining { get; init; }

    public required string ProtocolId { get; init; }
    public required string ProtocolVersion { get; init; }
    public required string SourceHash { get; init; }

    /// <summary>One readable sentence per reason, deterministic (invariant culture, UTC).</summary>
    public required string Summary { get; init; }

    /// <summary>
    /// Set when the protocol was loaded without verified approvals (development): what the caller accepted. Null when
    /// its signatures were verified against a trust store.
    /// </summary>
    public string? UnsignedProtocol { get; init; }

    /// <summary><paramref name="decision"/> marked as made by an unsigned protocol.</summary>
    public static DoseDecision Unsigned(DoseDecision decision, string notice) => decision with { UnsignedProtocol = notice };

    /// <summary>
    /// What the criteria over the course found (a permanent stop, unresolved holds, criteria held to reassess). Each is
    /// also in <see cref="Rules"/>, with a <see cref="FiredRule.Note"/>.
    /// </summary>
    public CourseFindings Course { get; init; } = CourseFindings.None;
}

/// <summary>A rule whose condition was true, with the values it read.</summary>
public sealed record FiredRule(
    string Id,
    string Title,
    RuleAction Action,
    string Condition,
    ImmutableArray<CitationInfo> Citations,
    string DefinedIn,
    ImmutableArray<SeenValue> Values)
{
    /// <summary>
    /// How the course layer put the rule here, when it did: "IL-2 stopped for the course since 03:00", "unresolved since
    /// 03:00; held until spo2 > 90 %", "reassess: correction not shown (...)". Null for a rule that simply fired now.
    /// </summary>
    public string? Note { get; init; }
}

/// <summary>
/// One input a rule read. <see cref="Value"/> is in the observation's declared unit (aggregates: the aggregate;
/// weight: kg; times since: hours); null when there was no value. <see cref="At"/> is the value's time (for
/// aggregates, the latest value in the window); <see cref="Count"/> the number of values aggregated.
/// <see cref="ChartedValue"/> and <see cref="ChartedUnit"/> are the value as charted when it was converted from another
/// unit (11.99 kPa for an SBP of 89.9 mm[Hg]); null otherwise.
/// </summary>
public sealed record SeenValue(
    string Input,
    double? Value,
    string? Unit,
    bool? Flag,
    DateTimeOffset? At,
    int? Count,
    double? ChartedValue = null,
    string? ChartedUnit = null);

/// <summary>
/// Data that rules needed and did not have. <see cref="Optional"/> data does not hold the dose; <see cref="Rules"/>
/// are the ids of the undecided rules that needed it. <see cref="Stale"/>: a value was recorded but is too old to count, or
/// was refused as a bad value (so it is never reported as "not recorded").
/// </summary>
public sealed record MissingData(
    string Observation,
    string Title,
    string Reason,
    bool Optional,
    ImmutableArray<string> Rules,
    bool Stale = false);

/// <summary>A schedule reason: see <see cref="ScheduleCodes"/>.</summary>
public sealed record ScheduleFinding(string Code, string Message);

public static class ScheduleCodes
{
    public const string TooEarly = "too-early";
    public const string MaxDosesCourse = "max-doses-course";
    public const string MaxDosesCycle = "max-doses-cycle";
    public const string BeforeFirstDoseWindow = "before-first-dose-window";
    public const string AfterFirstDoseWindow = "after-first-dose-window";
    public const string NoFirstDoseEvent = "no-first-dose-event";

    /// <summary>The record holds a dose that may be running (<see cref="DoseStatus.MayBeRunning"/>): hold, never "no dose".</summary>
    public const string DoseMayBeRunning = "dose-may-be-running";

    /// <summary>A dose given (or running) after the decision time: the clocks disagree; treated as a dose that may be running.</summary>
    public const string DoseAfterDecisionTime = "dose-after-decision-time";

    /// <summary>A value or event charted after the decision time: the clocks disagree, or a time is in the wrong zone.</summary>
    public const string ChartedAfterDecisionTime = "charted-after-decision-time";

    /// <summary>Two doses recorded at one instant (sent twice, or given and held both): how many were given is not known.</summary>
    public const string DosesAtSameTime = "doses-at-same-time";

    /// <summary>The reader could not count something that may matter for the dose (<see cref="RecordIssue.Holds"/>).</summary>
    public const string UnclearRecord = "unclear-record";
}
