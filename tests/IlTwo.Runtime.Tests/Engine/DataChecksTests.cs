using System.Collections.Immutable;
using System.Text.Json;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// Bad values never count as normal, no threshold slips by conversion, and decisions a nurse can act on: the test protocol
/// with declared ranges and reporting precisions (SBP 40–250 mm[Hg] reported to 1 mm[Hg], creatinine 0.2–15 mg/dL reported
/// to 0.1 mg/dL, urine output 0–2000 mL).
/// </summary>
public sealed class DataChecksTests
{
    private sealed class RangedProtocol : ProtocolRules
    {
        public static RangedProtocol Instance { get; } = new();

        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Observations =
            [
                TestProtocol.Description.Observations[TestProtocol.Sbp] with { RangeLow = 40, RangeHigh = 250, ReportedTo = 1 },
                TestProtocol.Description.Observations[TestProtocol.Creatinine] with { RangeLow = 0.2, RangeHigh = 15, ReportedTo = 0.1 },
                TestProtocol.Description.Observations[TestProtocol.Urine] with { RangeLow = 0, RangeHigh = 2000 },
                TestProtocol.Description.Observations[TestProtocol.Confusion],
            ],
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
    }

    private static readonly Patient Normal = new();

    private static DoseDecision Decide(Patient patient, DateTimeOffset? at = null, TimeZoneInfo? zone = null) =>
        ProtocolEvaluator.Evaluate(RangedProtocol.Instance, patient.Build(), at ?? CheckAt, timeZone: zone);

    private static RecordedObservation Sbp(double value, string unit = "mm[Hg]", double hour = 5) => RecordedObservation.Numeric("8480-6", Day2.AddHours(hour), value, unit);

    private static RecordedObservation Creatinine(double value, string unit = "mg/dL") => RecordedObservation.Numeric("2160-0", Day2.AddHours(4), value, unit);

    // ------------------------------------------------------------ reported to

    [Theory]
    [InlineData(265, "umol/L", DoseAction.Discontinue)] // 2.998 mg/dL is reported as 3.0 mg/dL: at the 3 mg/dL threshold
    [InlineData(255, "umol/L", DoseAction.Give)]        // 2.885 mg/dL is reported as 2.9 mg/dL
    [InlineData(2.99, "mg/dL", DoseAction.Give)]        // charted in the declared unit: compared as charted
    [InlineData(0.003, "g/dL", DoseAction.Discontinue)]  // 3 mg/dL in another unit
    public void Converted_values_are_compared_at_the_reporting_precision(double value, string unit, DoseAction expected)
    {
        var decision = Decide(Normal.Replace("2160-0", Creatinine(value, unit)));
        Assert.True(expected == decision.Action, decision.Summary);
    }

    [Fact]
    public void Rounding_is_half_away_from_zero_in_the_declared_unit()
    {
        // 260.8 umol/L = 2.9502 mg/dL -> 3.0; 260.7 umol/L = 2.9491 mg/dL -> 2.9.
        Assert.Equal(DoseAction.Discontinue, Decide(Normal.Replace("2160-0", Creatinine(260.8, "umol/L"))).Action);
        Assert.Equal(DoseAction.Give, Decide(Normal.Replace("2160-0", Creatinine(260.7, "umol/L"))).Action);
    }

    [Fact]
    public void Values_are_shown_as_charted_with_the_conversion()
    {
        var decision = Decide(Normal.Replace("8480-6", Sbp(11.5, "kPa")));

        Assert.Equal(DoseAction.Hold, decision.Action);
        var seen = Assert.Single(decision.Rules).Values.Single();
        Assert.Equal((86.0, "mm[Hg]", 11.5, "kPa"), (seen.Value!.Value, seen.Unit, seen.ChartedValue!.Value, seen.ChartedUnit));
        Assert.Contains("sbp 11.5 kPa = 86 mmHg at 05:00", decision.Summary, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(DoseDecisionJson.Serialize(decision));
        var value = json.RootElement.GetProperty("rules")[0].GetProperty("values")[0];
        Assert.Equal("mm[Hg]", value.GetProperty("unit").GetString());
        Assert.Equal(("kPa", 11.5), (value.GetProperty("charted").GetProperty("unit").GetString(), value.GetProperty("charted").GetProperty("value").GetDouble()));
    }

    // ------------------------------------------------------------ range

    private static readonly Dictionary<string, Func<Patient, Patient>> Changes = new()
    {
        ["sbp 0"] = p => p.Replace("8480-6", Sbp(0)),
        ["sbp 300"] = p => p.Replace("8480-6", Sbp(300)),
        ["negative creatinine"] = p => p.Replace("2160-0", Creatinine(-1)),
        ["creatinine 1e308 umol/L"] = p => p.Replace("2160-0", Creatinine(1e308, "umol/L")),
        ["creatinine NaN"] = p => p.Replace("2160-0", Creatinine(double.NaN)),
        ["creatinine infinity"] = p => p.Replace("2160-0", Creatinine(double.PositiveInfinity)),
        ["urine 5 L"] = p => p.With(RecordedObservation.Numeric("urine-output", Day2.AddHours(4), 5, "L")),
        ["weight 72 g"] = p => p with { Weight = new MeasuredValue(72, "g") },
        ["weight 900 kg"] = p => p with { Weight = new MeasuredValue(900, "kg") },
        ["sbp twice at once"] = p => p.With(Sbp(84)),
        ["confusion yes and no at once"] = p => p.With(RecordedObservation.YesNo("confusion", Day2.AddHours(5), true)),
        ["Confusion"] = p => p.With(RecordedObservation.YesNo("Confusion", Day2.AddHours(5), true)),
        ["confuson"] = p => p.With(RecordedObservation.YesNo("confuson", Day2.AddHours(5), false)),
        ["urine_output"] = p => p.With(RecordedObservation.Numeric("urine_output", Day2.AddHours(5), 100, "mL")),
        ["URINE OUTPUT"] = p => p.With(RecordedObservation.Numeric("URINE OUTPUT", Day2.AddHours(5), 100, "mL")),
        ["a mistyped yes days ago"] = p => p.With(RecordedObservation.YesNo("Confusion", Day1.AddHours(-48), true)),
        ["values at the range's ends"] = p => p.Replace("8480-6", Sbp(250)).Replace("2160-0", Creatinine(0.2)),
        ["urine output 0 mL"] = p => p.With(RecordedObservation.Numeric("urine-output", Day2.AddHours(4), 0, "mL")),
        ["identical duplicates"] = p => p.With(Sbp(110)),
        ["the same value in two units"] = p => p.With(Sbp(14.67, "kPa")), // 110.03 mm[Hg], reported as 110
        ["a short code that is another observation (dbp)"] = p => p.With(RecordedObservation.Numeric("dbp", Day2.AddHours(5), 70, "mm[Hg]")),
        ["a code far from any name"] = p => p.With(RecordedObservation.Numeric("potassium", Day2.AddHours(5), 4, "mmol/L")),
        ["an undeclared LOINC code"] = p => p.With(RecordedObservation.Numeric("8462-4", Day2.AddHours(5), 70, "mm[Hg]")),
        ["a mistyped no days ago"] = p => p.With(RecordedObservation.YesNo("Confusion", Day1.AddHours(-48), false)),
        ["an implausible SBP older than every window"] = p => p.With(Sbp(0, hour: -20)),
        ["weight 72000 g"] = p => p with { Weight = new MeasuredValue(72000, "g") },
    };

    public static TheoryData<string, string> BadValues => new()
    {
        { "sbp 0", "sbp 0 mmHg is outside its plausible range 40 mmHg to 250 mmHg" },
        { "sbp 300", "sbp 300 mmHg is outside its plausible range" },
        { "negative creatinine", "creatinine -1 mg/dL is outside its plausible range 0.2 mg/dL to 15 mg/dL" },
        { "creatinine 1e308 umol/L", "creatinine 1E+308 µmol/L (= " },
        { "creatinine NaN", "creatinine NaN mg/dL is not a finite number" },
        { "creatinine infinity", "is not a finite number" },
        { "urine 5 L", "urine-output 5 L (= 5000 mL) is outside" },
        { "weight 72 g", "the patient weight 72 g is outside the plausible range 20 kg to 350 kg" },
        { "weight 900 kg", "the patient weight 900 kg is outside" },
        { "sbp twice at once", "sbp has values at the same time that disagree: 110 mmHg ($.observations[0]) and 84 mmHg ($.observations[6])" },
        { "confusion yes and no at once", "confusion has values at the same time that disagree: no" },
        { "Confusion", "the code 'Confusion' matches no observation of the protocol but nearly matches 'confusion'" },
        { "confuson", "nearly matches 'confusion'" },
        { "urine_output", "the code 'urine_output' matches no observation of the protocol but nearly matches 'urine-output'" },
        { "URINE OUTPUT", "nearly matches 'urine-output'" },
        { "a mistyped yes days ago", "nearly matches 'confusion'" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_holds_and_is_named(string scenario, string message)
    {
        var decision = Decide(Changes[scenario](Normal));

        Assert.True(decision.Action == DoseAction.Hold, $"{scenario}: {decision.Summary}");
        Assert.Contains(decision.DataErrors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Contains("Hold dose 3: data error — ", decision.Summary, StringComparison.Ordinal);
    }

    public static TheoryData<string> HarmlessValues => new()
    {
        "values at the range's ends",
        "urine output 0 mL",
        "identical duplicates",
        "the same value in two units",
        "a short code that is another observation (dbp)",
        "a code far from any name",
        "an undeclared LOINC code",
        "a mistyped no days ago",
        "an implausible SBP older than every window",
        "weight 72000 g",
    };

    [Theory]
    [MemberData(nameof(HarmlessValues))]
    public void Plausible_or_out_of_play_values_do_not_hold(string scenario)
    {
        var decision = Decide(Changes[scenario](Normal));
        Assert.True(decision.Action == DoseAction.Give, $"{scenario}: {decision.Summary}");
        Assert.Empty(decision.DataErrors);
    }

    [Fact]
    public void A_bad_value_is_named_with_its_observation_and_time()
    {
        var decision = Decide(Normal.With(RecordedObservation.Numeric("urine-output", Day1.AddHours(23), -50, "mL")));
        Assert.Equal(DoseAction.Hold, decision.Action);
        var error = Assert.Single(decision.DataErrors);
        Assert.Equal(("urine-output", Day1.AddHours(23)), (error.Code, error.At));
        Assert.Contains(", charted 2026-03-02 23:00)", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_miss_holds_even_when_the_observation_is_optional()
    {
        var decision = Decide(Normal.Without("confusion").With(RecordedObservation.YesNo("Confusion", Day2.AddHours(5), true)));

        Assert.Equal(DoseAction.Hold, decision.Action);
        var error = Assert.Single(decision.DataErrors);
        Assert.Equal(("$.observations[5].code", "confusion"), (error.Path, error.Code));
        // The refused entry is named, never listed as "not recorded".
        Assert.DoesNotContain("Not recorded", decision.Summary, StringComparison.Ordinal);
        Assert.Contains("confusion no usable value (a recorded value was refused, see the data errors)", decision.Summary, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ text a nurse can act on

    [Fact]
    public void An_age_over_its_window_never_reads_as_the_window()
    {
        var decision = Decide(Normal.Replace("8480-6", RecordedObservation.Numeric("8480-6", CheckAt.AddHours(-4).AddSeconds(-30), 110, "mm[Hg]")));
        var missing = Assert.Single(decision.Missing);
        Assert.Equal("latest value 110 mmHg at 01:59 is 4 h 1 min old; must be within 4 h", missing.Reason);
    }

    [Fact]
    public void A_stale_positive_is_named_with_its_value_and_age_not_as_not_recorded()
    {
        var decision = Decide(Normal.Replace("confusion", RecordedObservation.YesNo("confusion", Day1.AddHours(17), true)));

        Assert.DoesNotContain("Not recorded", decision.Summary, StringComparison.Ordinal);
        Assert.Contains("confusion charted yes at 2026-03-02 17:00 (13 h ago); must be within 12 h", decision.Summary, StringComparison.Ordinal);
        Assert.True(Assert.Single(decision.Missing).Stale);
    }

    [Fact]
    public void The_rule_that_needs_a_missing_input_is_named()
    {
        var decision = Decide(Normal with { Weight = null });
        Assert.Contains("Hold dose 3: missing data — oliguria needs the patient's weight: no usable patient weight.", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_are_written_in_the_callers_time_zone_and_json_stays_utc()
    {
        var zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");
        var utc = Decide(Normal.Replace("8480-6", Sbp(84)));
        var local = Decide(Normal.Replace("8480-6", Sbp(84)), zone: zurich);

        Assert.Contains("sbp 84 mmHg at 05:00", utc.Summary, StringComparison.Ordinal);
        Assert.Contains("sbp 84 mmHg at 06:00", local.Summary, StringComparison.Ordinal);
        Assert.Equal(utc.NextDoseAt, local.NextDoseAt);
        Assert.Contains("\"at\":\"2026-03-03T06:00:00Z\"", DoseDecisionJson.Serialize(local), StringComparison.Ordinal);
        // The zone is the caller's for this call only.
        Assert.Equal(utc.Summary, Decide(Normal.Replace("8480-6", Sbp(84))).Summary);
    }

    [Fact]
    public void A_finished_course_says_so_first()
    {
        var doses = Enumerable.Range(0, 6).Select(i => new RecordedDose(Day1.AddHours(-40 + 8 * i), DoseStatus.Given)).ToImmutableList();
        var decision = Decide((Normal with { Doses = doses }).Replace("8480-6", Sbp(84)));

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        Assert.StartsWith("Course complete: 6 of 6 doses given.", decision.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Discontinue dose 7", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_first_dose_window_says_to_contact_the_prescriber()
    {
        var decision = Decide(Normal with { Doses = [] }, Day1.AddHours(8 + 25));
        Assert.Contains("contact the prescriber", decision.Summary, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ paths of patient JSON

    /// <summary>(the bad entry, written first in the file though it is not the earliest, the path of its error, a part of the message).</summary>
    public static TheoryData<string, string, string> FirstInTheFile => new()
    {
        { "sbp in kg", "$.observations[0].unit", "'sbp' in kg cannot be converted to mm[Hg]" },
        { "sbp 300", "$.observations[0].value", "sbp 300 mmHg is outside its plausible range" },
        { "Confusion", "$.observations[0].code", "the code 'Confusion' matches no observation of the protocol" },
        { "sbp yes", "$.observations[0]", "'sbp' is measured in mm[Hg] but the record has a yes/no value" },
        { "sbp twice at once", "$.observations[1]", "sbp has values at the same time that disagree: 84 mmHg ($.observations[0]) and 110 mmHg ($.observations[1])" },
    };

    /// <summary>
    /// The reader sorts observations by time; a data error names the element as the file has it, not its place in the
    /// sorted record, and the decision is the one for the same record built in code.
    /// </summary>
    [Theory]
    [MemberData(nameof(FirstInTheFile))]
    public void A_data_error_of_patient_json_names_the_element_of_the_file(string scenario, string path, string message)
    {
        var bad = scenario switch
        {
            "sbp in kg" => Sbp(110, "kg", hour: 5.5),
            "sbp 300" => Sbp(300, hour: 5.5),
            "Confusion" => RecordedObservation.YesNo("Confusion", Day2.AddHours(5.5), true),
            "sbp yes" => RecordedObservation.YesNo("8480-6", Day2.AddHours(5.5), true),
            _ => Sbp(84),
        };
        var patient = Normal with { Observations = Normal.Observations.Insert(0, bad) };
        var read = PatientJsonReader.Read(PatientJsonWriter.Write(patient.Build()));
        Assert.True(read.Succeeded, string.Join("; ", read.Issues));
        // The reader has moved the file's first element: its place in the record is not 0.
        Assert.NotEqual(0, read.Record!.Observations.IndexOf(read.Record.Observations.Single(o => o.Source == "$.observations[0]")));

        var decision = ProtocolEvaluator.Evaluate(RangedProtocol.Instance, read.Record, CheckAt);

        Assert.Contains(decision.DataErrors, e => e.Path.StartsWith(path, StringComparison.Ordinal) && e.Message.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(decision.DataErrors, e => e.Path.StartsWith("$.observations[", StringComparison.Ordinal) && !e.Path.StartsWith(path, StringComparison.Ordinal));
        var inCode = Decide(patient);
        static string Outcome(DoseDecision d) => $"{d.Action}: {string.Join(", ", d.Rules.Select(r => r.Id))}: {string.Join("; ", d.DataErrors.Select(e => e.Message))}";
        Assert.Equal(Outcome(inCode), Outcome(decision));
    }

    /// <summary>A record built in code has no source: its entries are named by their index in the record, as before.</summary>
    [Fact]
    public void A_data_error_of_a_record_built_in_code_names_the_index_in_the_record()
    {
        var decision = Decide(Normal with { Observations = Normal.Observations.Insert(0, Sbp(110, "kg", hour: 5.5)) });
        Assert.Contains(decision.DataErrors, e => e.Path == "$.observations[0].unit");
    }
}
