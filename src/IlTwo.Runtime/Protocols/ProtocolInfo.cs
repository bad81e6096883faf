using System.Collections.Immutable;

namespace IlTwo.Runtime.Protocols;

public enum RuleAction
{
    Hold,
    Discontinue,
}

/// <summary>What a compiled protocol is: everything the engine needs besides the rule conditions themselves.</summary>
public sealed record ProtocolInfo
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Version { get; init; }

    /// <summary>SHA-256 (hex) of the protocol's source chain: this file and every file it extends.</summary>
    public required string SourceHash { get; init; }

    public required string CompilerVersion { get; init; }

    /// <summary>
    /// SHA-256 (hex) of the protocol's canonical source chain: every file of the chain, root base first, without comments
    /// and in the canonical layout. What approvals sign: comments and layout do not change it, any change of meaning does.
    /// Null for protocols compiled before approvals existed.
    /// </summary>
    public string? CanonicalHash { get; init; }

    /// <summary>This protocol's id first, then the protocols it extends, nearest first.</summary>
    public ImmutableArray<string> Lineage { get; init; } = [];

    public required RegimenInfo Regimen { get; init; }
    public ImmutableArray<ObservationInfo> Observations { get; init; } = [];
    public ImmutableArray<EventInfo> Events { get; init; } = [];
    public ImmutableArray<RuleInfo> Rules { get; init; } = [];
    public ImmutableArray<ReferenceInfo> References { get; init; } = [];

    /// <summary>
    /// How many truths <see cref="ProtocolRules.EvaluateRules"/> writes: one per rule (its <c>when</c>), then the extra
    /// conditions rules carry (<see cref="RuleInfo.Until"/>, <see cref="RuleInfo.Correction"/>) at their slots. 0 (older
    /// protocols) means one per rule.
    /// </summary>
    public int ConditionSlots { get; init; }
}

public sealed record ReferenceInfo(string Name, string Title, string? Doi, string? Url);

public sealed record EventInfo(int Index, string Name, string? Title)
{
    /// <summary>Declared codes (<c>system|code</c>, or a bare code for any system) FHIR input names this event by.</summary>
    public ImmutableArray<string> Codes { get; init; } = [];
}

/// <summary>An observation the protocol reads, with the unit its thresholds are written in.</summary>
public sealed record ObservationInfo
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public string? Title { get; init; }
    public bool IsYesNo { get; init; }

    /// <summary>The declared UCUM unit (null for yes/no observations).</summary>
    public string? Unit { get; init; }

    /// <summary>LOINC codes under which values of this observation may arrive.</summary>
    public ImmutableArray<string> Codes { get; init; } = [];

    /// <summary>How old a value may be and still count, in seconds.</summary>
    public double RecencySeconds { get; init; }

    /// <summary>g/mol; lets substance concentrations (umol/L) convert to mass concentrations (mg/dL).</summary>
    public double? MolarMass { get; init; }

    /// <summary>Missing data for an optional observation does not hold a dose.</summary>
    public bool IsOptional { get; init; }

    /// <summary>
    /// The declared plausible range (<c>range</c>), inclusive, in the declared unit; null when not declared. A value
    /// outside it is a data error for this observation (see <see cref="Evaluation.PatientSnapshot"/>).
    /// </summary>
    public double? RangeLow { get; init; }

    /// <inheritdoc cref="RangeLow"/>
    public double? RangeHigh { get; init; }

    /// <summary>
    /// The laboratory's reporting precision (<c>reported to</c>) in the declared unit; null when not declared. A value
    /// charted in another unit is rounded half away from zero to a multiple of it, in the declared unit, before any
    /// comparison.
    /// </summary>
    public double? ReportedTo { get; init; }
}

public enum InputKind
{
    Latest,
    Aggregate,
    Baseline,
    Weight,
    DosesGiven,
    DosesHeld,
    TimeSinceEvent,
    TimeSinceLastDose,
    TimeSinceFirstDose,
}

public enum AggregateKind
{
    Sum,
    Min,
    Max,
    Mean,
    Count,
    Change,
}

/// <summary>One value a rule reads; the engine reports it (with its time) when the rule fires or is unknown.</summary>
public sealed record RuleInputInfo
{
    public required InputKind Kind { get; init; }

    /// <summary>The observation index for Latest, Aggregate and Baseline; the event index for TimeSinceEvent; else -1.</summary>
    public int Index { get; init; } = -1;

    public AggregateKind? Aggregate { get; init; }
    public double WindowSeconds { get; init; }

    /// <summary>How the input reads in the protocol: <c>sbp</c>, <c>sum(urine-output, last 8 h)</c>.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// The constants the rule compares this input with (<c>sbp &lt; 90 mm[Hg]</c>), in the observation's declared unit, for
    /// charts and reviews. Comparisons with computed values (<c>4 mL/kg x weight</c>) are not listed. Descriptive only:
    /// the engine never reads them.
    /// </summary>
    public ImmutableArray<ThresholdInfo> Thresholds { get; init; } = [];
}

/// <summary>
/// One constant an input is compared with: the input <paramref name="Comparison"/> <paramref name="Value"/>
/// (<c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>=</c>, <c>!=</c>, with the input on the left), in
/// <paramref name="Unit"/> (the observation's declared unit; null for counts).
/// </summary>
public sealed record ThresholdInfo(string Comparison, double Value, string? Unit);

public sealed record CitationInfo(string? Reference, string? Locator, bool Unverified, string? Note);

public sealed record RuleInfo
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required RuleAction Action { get; init; }

    /// <summary>The condition as the protocol writes it (canonical layout).</summary>
    public required string Condition { get; init; }

    /// <summary>The protocol (id) that declares this rule, or overrides it last.</summary>
    public required string DefinedIn { get; init; }

    public ImmutableArray<CitationInfo> Citations { get; init; } = [];
    public ImmutableArray<RuleInputInfo> Inputs { get; init; } = [];

    /// <summary>The groups the rule belongs to (<c>group relative</c>).</summary>
    public ImmutableArray<string> Groups { get; init; } = [];

    /// <summary><c>until C</c> (hold rules): once held, later doses stay held until C is true on values charted after the trigger.</summary>
    public ExtraConditionInfo? Until { get; init; }

    /// <summary><c>persistent for D</c>, in seconds: the condition must be true at every charting time of its inputs in D (at least two).</summary>
    public double? PersistenceSeconds { get; init; }

    /// <summary><c>corrected when C</c>: C must be true for the rule to act; otherwise it holds the dose with "reassess".</summary>
    public ExtraConditionInfo? Correction { get; init; }
}

/// <summary>
/// A condition a rule carries besides its <c>when</c>: evaluated with the rules, its truth written to
/// <paramref name="Slot"/> of the results (see <see cref="ProtocolInfo.ConditionSlots"/>).
/// </summary>
public sealed record ExtraConditionInfo(int Slot, string Condition)
{
    public ImmutableArray<RuleInputInfo> Inputs { get; init; } = [];
}

public enum CourseCapKind
{
    /// <summary><c>at most 6 doses per course</c>: held slots do not count.</summary>
    DosesGiven,

    /// <summary><c>at most 6 dose slots per course</c>: given and held slots count.</summary>
    DoseSlots,
}

public sealed record FirstDoseWindowInfo(double EarliestSeconds, double LatestSeconds, int EventIndex, string Event);

public sealed record RegimenInfo
{
    public string? Drug { get; init; }

    /// <summary>Declared codes (<c>system|code</c>, or a bare code for any system) FHIR input names the drug by.</summary>
    public ImmutableArray<string> DrugCodes { get; init; } = [];
    public double? DoseValue { get; init; }
    public string? DoseUnit { get; init; }
    public string? Route { get; init; }

    /// <summary>The shortest time between two doses, in seconds.</summary>
    public double MinIntervalSeconds { get; init; }

    /// <summary>The longest planned time between doses (for "every 8 h to 12 h"), in seconds.</summary>
    public double? MaxIntervalSeconds { get; init; }

    public int? MaxDosesPerCycle { get; init; }
    public int? MaxDosesPerCourse { get; init; }

    /// <summary>What <see cref="MaxDosesPerCourse"/> counts: doses given (the default) or dose slots (given and held).</summary>
    public CourseCapKind CourseCap { get; init; }
    public FirstDoseWindowInfo? FirstDose { get; init; }
    public ImmutableArray<CitationInfo> Citations { get; init; } = [];
}
