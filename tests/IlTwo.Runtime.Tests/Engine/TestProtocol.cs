using System.Collections.Immutable;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// A hand-written protocol, as the compiler would generate it: SBP &lt; 90 mm[Hg] holds, creatinine &gt;= 3 mg/dL
/// discontinues, urine output over 8 h &lt; 4 mL/kg × weight holds, confusion (optional yes/no) holds.
/// Every 8 h, at most 6 doses per course, first dose 3 h to 24 h after TIL infusion.
/// </summary>
internal sealed class TestProtocol : ProtocolRules
{
    public const int Sbp = 0, Creatinine = 1, Urine = 2, Confusion = 3;

    private static readonly double SbpLimit = 90 * Ucum.Parse("mm[Hg]").Factor;
    private static readonly double CreatinineLimit = 3 * Ucum.Parse("mg/dL").Factor;
    private static readonly double UrinePerKg = 4 * Ucum.Parse("mL/kg").Factor;
    private const double Hour = 3600;

    public static TestProtocol Instance { get; } = new();

    public static ProtocolInfo Description { get; } = new()
    {
        Id = "test-protocol",
        Title = "Test protocol",
        Version = "1.2.0",
        SourceHash = "abc123",
        CompilerVersion = "test",
        Lineage = ["test-protocol"],
        Regimen = new RegimenInfo
        {
            Drug = "aldesleukin",
            MinIntervalSeconds = 8 * Hour,
            MaxDosesPerCourse = 6,
            FirstDose = new FirstDoseWindowInfo(3 * Hour, 24 * Hour, 0, "til-infusion"),
        },
        Events = [new EventInfo(0, "til-infusion", "TIL infusion")],
        Observations =
        [
            new ObservationInfo { Index = Sbp, Name = "sbp", Title = "systolic blood pressure", Unit = "mm[Hg]", Codes = ["8480-6"], RecencySeconds = 4 * Hour },
            new ObservationInfo { Index = Creatinine, Name = "creatinine", Title = "serum creatinine", Unit = "mg/dL", Codes = ["2160-0"], RecencySeconds = 24 * Hour, MolarMass = 113.12 },
            new ObservationInfo { Index = Urine, Name = "urine-output", Title = "urine output", Unit = "mL", RecencySeconds = 8 * Hour },
            new ObservationInfo { Index = Confusion, Name = "confusion", Title = "confusion", IsYesNo = true, RecencySeconds = 12 * Hour, IsOptional = true },
        ],
        Rules =
        [
            new RuleInfo
            {
                Index = 0, Id = "sbp-low", Title = "Systolic BP below 90 mm[Hg]", Action = RuleAction.Hold, Condition = "sbp < 90 mm[Hg]", DefinedIn = "test-protocol",
                Citations = [new CitationInfo("proleukin-pi", "Table 2, cardiac: withhold for SBP decrease to <90 mmHg", false, null)],
                Inputs = [new RuleInputInfo { Kind = InputKind.Latest, Index = Sbp, Text = "sbp" }],
            },
            new RuleInfo
            {
                Index = 1, Id = "creatinine-high", Title = "Creatinine at or above 3 mg/dL", Action = RuleAction.Discontinue, Condition = "creatinine >= 3 mg/dL", DefinedIn = "test-protocol",
                Citations = [new CitationInfo("proleukin-pi", "Table 2, renal", true, null)],
                Inputs = [new RuleInputInfo { Kind = InputKind.Latest, Index = Creatinine, Text = "creatinine" }],
            },
            new RuleInfo
            {
                Index = 2, Id = "oliguria", Title = "Urine output below 4 mL/kg over 8 h", Action = RuleAction.Hold, Condition = "sum(urine-output, last 8 h) < 4 mL/kg * weight", DefinedIn = "base-protocol",
                Inputs =
                [
                    new RuleInputInfo { Kind = InputKind.Aggregate, Index = Urine, Aggregate = AggregateKind.Sum, WindowSeconds = 8 * Hour, Text = "sum(urine-output, last 8 h)" },
                    new RuleInputInfo { Kind = InputKind.Weight, Text = "weight" },
                ],
            },
            new RuleInfo
            {
                Index = 3, Id = "confusion", Title = "Confusion", Action = RuleAction.Hold, Condition = "confusion is yes", DefinedIn = "test-protocol",
                Inputs = [new RuleInputInfo { Kind = InputKind.Latest, Index = Confusion, Text = "confusion" }],
            },
        ],
    };

    public override ProtocolInfo Info => Description;

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
    {
        results[0] = Logic.Less(snapshot.Latest(Sbp), SbpLimit);
        results[1] = Logic.GreaterOrEqual(snapshot.Latest(Creatinine), CreatinineLimit);
        results[2] = Logic.Less(snapshot.Sum(Urine, 8 * Hour), UrinePerKg * snapshot.Weight);
        results[3] = Logic.Is(snapshot.Latest(Confusion), true);
    }
}

/// <summary>A protocol whose rules class forgets to write its results: must read as unknown, never as false.</summary>
internal sealed class SilentProtocol(int rules) : ProtocolRules
{
    public override ProtocolInfo Info { get; } = TestProtocol.Description with
    {
        Id = "silent",
        Rules = [.. Enumerable.Range(0, rules).Select(i => new RuleInfo
        {
            Index = i, Id = $"r{i}", Title = $"Rule {i}", Action = RuleAction.Hold, Condition = "?", DefinedIn = "silent",
        })],
    };

    public bool WriteFalse { get; init; }

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
    {
        if (WriteFalse)
        {
            results.Clear(); // Truth.False == 0
        }
    }
}

/// <summary>Builds patient records relative to a fixed day: TIL infusion 2026-03-02 08:00, doses at 14:00 and 22:00, check at 2026-03-03 06:00.</summary>
internal sealed record Patient
{
    public static readonly DateTimeOffset Day1 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    public static readonly DateTimeOffset CheckAt = Day2.AddHours(6);

    public MeasuredValue? Weight { get; init; } = new MeasuredValue(70, "kg");
    public ImmutableList<RecordedEvent> Events { get; init; } = [new("til-infusion", Day1.AddHours(8))];
    public ImmutableList<RecordedDose> Doses { get; init; } = [new(Day1.AddHours(14), DoseStatus.Given), new(Day1.AddHours(22), DoseStatus.Given)];
    public ImmutableList<RecordedObservation> Observations { get; init; } =
    [
        RecordedObservation.Numeric("8480-6", Day2.AddHours(5), 110, "mm[Hg]"),
        RecordedObservation.Numeric("2160-0", Day2.AddHours(4), 1.0, "mg/dL"),
        RecordedObservation.Numeric("urine-output", Day1.AddHours(23), 100, "mL"),
        RecordedObservation.Numeric("urine-output", Day2.AddHours(2), 100, "mL"),
        RecordedObservation.Numeric("urine-output", Day2.AddHours(5), 100, "mL"),
        RecordedObservation.YesNo("confusion", Day2.AddHours(5), false),
    ];

    public Patient Without(string code) => this with { Observations = Observations.RemoveAll(o => o.Code == code) };

    public Patient With(RecordedObservation observation) => this with { Observations = Observations.Add(observation) };

    public Patient Replace(string code, RecordedObservation observation) => Without(code).With(observation);

    /// <summary>The same normal readings, taken shortly before <paramref name="at"/> (for checks on other days).</summary>
    public Patient ObservedBefore(DateTimeOffset at) => this with
    {
        Observations =
        [
            RecordedObservation.Numeric("8480-6", at.AddHours(-1), 110, "mm[Hg]"),
            RecordedObservation.Numeric("2160-0", at.AddHours(-2), 1.0, "mg/dL"),
            RecordedObservation.Numeric("urine-output", at.AddHours(-7), 100, "mL"),
            RecordedObservation.Numeric("urine-output", at.AddHours(-4), 100, "mL"),
            RecordedObservation.Numeric("urine-output", at.AddHours(-1), 100, "mL"),
            RecordedObservation.YesNo("confusion", at.AddHours(-1), false),
        ],
    };

    public PatientRecord Build() => new("p1", Weight, [.. Events], [.. Doses], [.. Observations]);
}
