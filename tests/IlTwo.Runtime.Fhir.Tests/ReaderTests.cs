using Hl7.Fhir.Model;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

public sealed class ReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public void Bad_units_and_entered_in_error_values_are_exact_issues_and_no_record()
    {
        var read = FhirBundleReader.Read(Fixture("bad-units.json"), Protocols.Monotherapy.Info);
        Assert.Null(read.Record);
        Assert.Equal(
        [
            "error: Bundle.entry[1](Observation/sbp-text-unit).valueQuantity: sbp (Systolic blood pressure): unit 'mmHg' is given only as text and is not a UCUM code (did you mean 'mm[Hg]'?)",
            "error: Bundle.entry[2](Observation/creatinine-mass).valueQuantity: creatinine (Serum creatinine) in 'mg' cannot be converted to mg/dL: cannot convert 'mg' (mass) to 'mg/dL' (mass concentration): the units are not commensurable",
            "warning: Bundle.entry[3](Observation/sbp-entered-in-error): status 'entered-in-error': ignored",
            "error: Bundle.entry[4](Observation/hr-local-unit).valueQuantity: heart-rate (Heart rate (sinus), persistent at dosing after correcting hypotension and fever): unit code 'bpm' is from 'http://example.org/units', not UCUM (http://unitsofmeasure.org)",
            "warning: Bundle.entry[5](Observation/spo2-text-unit).valueQuantity: spo2 (Oxygen saturation by pulse oximetry): unit given only as text '%'; it is a valid UCUM code and is read as one",
            "error: Bundle.entry[6](Observation/platelets-bound).valueQuantity: platelets (Platelet count): the value has a comparator ('<10'); a bound is not a number the protocol can compare",
            "warning: Bundle.entry[7](Observation/cancelled-bp): status 'cancelled': ignored",
        ], read.Issues.Select(i => i.ToString()));
    }

    [Fact]
    public void Without_the_errors_the_entered_in_error_value_is_not_in_the_record()
    {
        var bundle = new CourseBundle();
        var sbp = CourseBundle.Loinc("8480-6", "Systolic");
        bundle.Quantity("ok", At.AddHours(-2), sbp, 120, "mm[Hg]");
        bundle.Quantity("wrong", At.AddHours(-1), sbp, 60, "mm[Hg]", ObservationStatus.EnteredInError);
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.True(read.Succeeded);
        Assert.Equal([120.0], read.Record!.Observations.Select(o => o.Value!.Value));
        Assert.Equal(["warning: Bundle.entry[2](Observation/wrong): status 'entered-in-error': ignored"], read.Issues.Select(i => i.ToString()));
    }

    [Fact]
    public void Blood_pressure_panel_components_and_loinc_among_other_codings()
    {
        var bundle = new CourseBundle();
        bundle.BloodPressure("bp", At.AddHours(-1), 95, 60);
        bundle.Quantity("kpa", At.AddHours(-1), CourseBundle.Loinc("8480-6", "SBP"), 11, "kPa");
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        Assert.Equal(["sbp 95 mm[Hg]", "sbp 11 kPa"], read.Record!.Observations.Select(o => $"{o.Code} {o.Value} {o.Unit}"));
    }

    [Fact]
    public void Data_absent_reason_shows_in_the_decision_as_missing_with_the_reason()
    {
        var bundle = CourseTests.StableMonotherapy();
        var dose = CourseTests.Start.AddHours(48);
        bundle.NormalFindings(dose, postTil: false);
        // The newest blood pressure could not be taken.
        bundle.Add(new Observation
        {
            Id = "bp-absent",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.Systolic, "Systolic"),
            Subject = bundle.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(dose.AddMinutes(-30))),
            DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed", "Not Performed", "patient off the ward"),
        });
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.True(read.Succeeded);
        var absent = Assert.Single(read.Warnings);
        Assert.Equal("sbp", absent.Code);

        // Five hours later the 1-hour-old value is stale (within 4 h) and the absent reading explains why nothing newer exists.
        var decision = ProtocolEvaluator.Evaluate(Protocols.Monotherapy, read.Record!, dose.AddHours(4), null, read.Issues);
        Assert.Equal(DoseAction.Hold, decision.Action);
        var missing = Assert.Single(decision.Missing, m => m.Observation == "sbp");
        Assert.Contains("latest value 118 mmHg at 13:00 is 5 h old; must be within 4 h", missing.Reason, StringComparison.Ordinal);
        Assert.Contains("data absent: patient off the ward — Not Performed — not-performed", missing.Reason, StringComparison.Ordinal);
        // Without the notes the action is the same: the notes only explain.
        Assert.Equal(DoseAction.Hold, ProtocolEvaluator.Evaluate(Protocols.Monotherapy, read.Record!, dose.AddHours(4)).Action);
    }

    [Fact]
    public void Date_only_values_read_as_the_start_of_the_day_and_are_stale_for_hour_windows()
    {
        var bundle = new CourseBundle();
        var o = bundle.Quantity("sbp-day", At, CourseBundle.Loinc("8480-6", "SBP"), 120, "mm[Hg]");
        o.Effective = new FhirDateTime("2026-03-04");
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.True(read.Succeeded);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero), read.Record!.Observations.Single().At);
        Assert.Contains(read.Warnings, w => w.Message.Contains("known only to the day", StringComparison.Ordinal));
        var decision = ProtocolEvaluator.Evaluate(Protocols.Monotherapy, read.Record!, At.AddHours(6));
        Assert.Contains(decision.Missing, m => m.Observation == "sbp" && m.Reason.Contains("old", StringComparison.Ordinal));
    }

    [Fact]
    public void Preliminary_is_used_with_a_warning_and_a_corrected_result_supersedes_it()
    {
        var bundle = new CourseBundle();
        var code = CourseBundle.Loinc("2160-0", "Creatinine");
        var prelim = bundle.Quantity("cr-1", At.AddHours(-3), code, 2.6, "mg/dL", ObservationStatus.Preliminary);
        prelim.Identifier = [new Identifier("urn:lab", "A1")];
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.Equal([2.6], read.Record!.Observations.Select(o => o.Value!.Value));
        Assert.Equal(["warning: Bundle.entry[1](Observation/cr-1): preliminary result: used until a final, amended or corrected result for the same reading replaces it"], read.Issues.Select(i => i.ToString()));

        var corrected = bundle.Quantity("cr-2", At.AddHours(-3), code, 1.2, "mg/dL", ObservationStatus.Corrected);
        corrected.Identifier = [new Identifier("urn:lab", "A1")];
        corrected.Meta = new Meta { LastUpdated = At.AddHours(-1) };
        read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.Equal([1.2], read.Record!.Observations.Select(o => o.Value!.Value));
        Assert.Contains("warning: Bundle.entry[1](Observation/cr-1): superseded by the corrected result Bundle.entry[2](Observation/cr-2)", read.Issues.Select(i => i.ToString()));
    }

    [Fact]
    public void Amended_supersedes_by_code_and_effective_time_keeping_the_latest_update()
    {
        var bundle = new CourseBundle();
        var code = CourseBundle.Loinc("777-3", "Platelets");
        bundle.Quantity("plt-1", At.AddHours(-5), code, 40, "10*3/uL").Meta = new Meta { LastUpdated = At.AddHours(-4) };
        bundle.Quantity("plt-2", At.AddHours(-5), code, 140, "10*3/uL", ObservationStatus.Amended).Meta = new Meta { LastUpdated = At.AddHours(-2) };
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.Equal([140.0], read.Record!.Observations.Select(o => o.Value!.Value));
        // Two plain final readings at the same time are both kept (both are real data points).
        var twins = new CourseBundle();
        twins.Quantity("a", At.AddHours(-5), code, 40, "10*3/uL");
        twins.Quantity("b", At.AddHours(-5), code, 42, "10*3/uL");
        Assert.Equal(2, FhirBundleReader.Read(twins.Json, Protocols.Monotherapy.Info).Record!.Observations.Length);
    }

    [Fact]
    public void Not_done_administration_is_a_held_dose_and_other_statuses_are_ignored()
    {
        var bundle = new CourseBundle();
        bundle.Dose(At.AddHours(-16));
        bundle.Dose(At.AddHours(-8), given: false);
        bundle.Dose(At.AddHours(-4), drug: "Phenylephrine");
        bundle.Add(new MedicationAdministration
        {
            Id = "in-progress",
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.InProgress,
            Medication = new CodeableConcept { Text = "aldesleukin" },
            Subject = bundle.Subject,
            Effective = new Period { Start = CourseBundle.Time(At.AddHours(-1)) },
        });
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.Equal([DoseStatus.Given, DoseStatus.Held], read.Record!.Doses.Select(d => d.Status));
        Assert.Equal(["warning: Bundle.entry[4](MedicationAdministration/in-progress): aldesleukin administration with status 'in-progress' is ignored (only completed = given and not-done = held count)"], read.Issues.Select(i => i.ToString()));
    }

    [Fact]
    public void Declared_codes_match_procedures_and_administrations_that_carry_only_a_coding()
    {
        // Illustrative codes for the test only: the shipped protocols declare none.
        var path = Path.Combine(Protocols.RepositoryRoot, "protocols", "post-til-il2.il2");
        var source = File.ReadAllText(path)
            .Replace("event til-infusion \"Lifileucel (TIL) infusion\"", "event til-infusion \"Lifileucel (TIL) infusion\" code \"http://snomed.info/sct|1234567\"", StringComparison.Ordinal)
            .Replace("regimen {", "regimen {\n  drug aldesleukin code \"http://www.nlm.nih.gov/research/umls/rxnorm|1111\" code \"2222\"", StringComparison.Ordinal);
        var compilation = ProtocolCompilation.Create(SourceText.From(source, path));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var info = new ProtocolInterpreter(compilation).Info;
        Assert.Equal<string>(["http://snomed.info/sct|1234567"], info.Events.Single(e => e.Name == "til-infusion").Codes);
        Assert.Equal<string>(["http://www.nlm.nih.gov/research/umls/rxnorm|1111", "2222"], info.Regimen.DrugCodes);
        var copy = ProtocolInfoJson.Deserialize(ProtocolInfoJson.Serialize(info));
        Assert.Equal<string>(["http://snomed.info/sct|1234567"], copy.Events.Single(e => e.Name == "til-infusion").Codes);
        Assert.Equal<string>(["http://www.nlm.nih.gov/research/umls/rxnorm|1111", "2222"], copy.Regimen.DrugCodes);
        Assert.All(copy.Events.Where(e => e.Name != "til-infusion"), e => Assert.Empty(e.Codes));

        var bundle = new CourseBundle();
        Coded(bundle, "til", "http://snomed.info/sct", "1234567", At.AddHours(-20));
        Coded(bundle, "other-system", "http://example.org/local", "1234567", At.AddHours(-19));
        Administered(bundle, "by-system-and-code", "http://www.nlm.nih.gov/research/umls/rxnorm", "1111", At.AddHours(-16));
        Administered(bundle, "bare-code-any-system", "http://example.org/pharmacy", "2222", At.AddHours(-8));
        Administered(bundle, "wrong-system", "http://example.org/pharmacy", "1111", At.AddHours(-4));
        var read = FhirBundleReader.Read(bundle.Json, info);
        Assert.Empty(read.Issues);
        Assert.Equal([("til-infusion", At.AddHours(-20))], read.Record!.Events.Select(e => (e.Type, e.At)));
        Assert.Equal([At.AddHours(-16), At.AddHours(-8)], read.Record.Doses.Select(d => d.At));

        // Without declared codes the same bundle matches nothing: the codings carry no name.
        var unnamed = FhirBundleReader.Read(bundle.Json, Protocols.PostTil.Info);
        Assert.Empty(unnamed.Record!.Events);
        Assert.Empty(unnamed.Record.Doses);
    }

    private static void Coded(CourseBundle bundle, string id, string system, string code, DateTimeOffset at) =>
        bundle.Add(new Procedure
        {
            Id = id,
            Status = EventStatus.Completed,
            Code = new CodeableConcept { Coding = [new Coding(system, code)] },
            Subject = bundle.Subject,
            Performed = new FhirDateTime(CourseBundle.Time(at)),
        });

    private static void Administered(CourseBundle bundle, string id, string system, string code, DateTimeOffset at) =>
        bundle.Add(new MedicationAdministration
        {
            Id = id,
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept { Coding = [new Coding(system, code)] },
            Subject = bundle.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(at)),
        });

    [Fact]
    public void Unresolved_uuid_references_are_errors_and_other_patients_are_ignored()
    {
        var bundle = new CourseBundle();
        var other = bundle.Add(new Patient { Id = "someone-else" });
        bundle.Add(new Observation { Id = "theirs", Status = ObservationStatus.Final, Code = CourseBundle.Loinc("8480-6", "SBP"), Subject = new ResourceReference(other), Effective = new FhirDateTime(CourseBundle.Time(At)), Value = FhirBundleWriter.Quantity(70, "mm[Hg]") });
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info);
        Assert.Contains("error: Bundle: the bundle holds 2 Patient resources (Bundle.entry[0](Patient/synthetic-1), Bundle.entry[1](Patient/someone-else)); expected one", read.Issues.Select(i => i.ToString()));

        var dangling = new CourseBundle();
        dangling.Add(new Observation { Id = "lost", Status = ObservationStatus.Final, Code = CourseBundle.Loinc("8480-6", "SBP"), Subject = new ResourceReference("urn:uuid:99999999-0000-4000-8000-000000000000"), Effective = new FhirDateTime(CourseBundle.Time(At)), Value = FhirBundleWriter.Quantity(70, "mm[Hg]") });
        dangling.Add(new Observation { Id = "elsewhere", Status = ObservationStatus.Final, Code = CourseBundle.Loinc("8480-6", "SBP"), Subject = new ResourceReference("Patient/p-2"), Effective = new FhirDateTime(CourseBundle.Time(At)), Value = FhirBundleWriter.Quantity(70, "mm[Hg]") });
        read = FhirBundleReader.Read(dangling.Json, Protocols.Monotherapy.Info);
        Assert.Equal(
        [
            "error: Bundle.entry[1](Observation/lost): reference 'urn:uuid:99999999-0000-4000-8000-000000000000' does not resolve to any entry's fullUrl in the bundle",
            "warning: Bundle.entry[2](Observation/elsewhere): subject 'Patient/p-2' is not the bundle's patient (Patient/synthetic-1); ignored",
        ], read.Issues.Select(i => i.ToString()));
        Assert.Null(read.Record);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"resourceType\": \"Patient\", \"id\": \"p\"}")]
    [InlineData("[]")]
    [InlineData("")]
    public void Malformed_bundles_are_error_issues_not_exceptions(string json)
    {
        var read = FhirBundleReader.Read(json, Protocols.Monotherapy.Info);
        Assert.Null(read.Record);
        Assert.Contains(read.Issues, i => i.IsError && i.Path == "Bundle");
    }

    [Fact]
    public void A_quantity_value_that_is_not_a_number_is_an_error_not_a_value()
    {
        var json = """
            { "resourceType": "Bundle", "type": "collection", "entry": [
              { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Patient", "id": "p" } },
              { "resource": { "resourceType": "Observation", "id": "x", "status": "final",
                  "code": { "coding": [ { "system": "http://loinc.org", "code": "8480-6" } ] },
                  "subject": { "reference": "urn:uuid:1" }, "effectiveDateTime": "2026-03-04T05:00:00Z",
                  "valueQuantity": { "value": "eighty", "system": "http://unitsofmeasure.org", "code": "mm[Hg]" } } } ] }
            """;
        var read = FhirBundleReader.Read(json, Protocols.Monotherapy.Info);
        Assert.Null(read.Record);
        Assert.Contains(read.Issues, i => i.IsError && i.Path.StartsWith("Bundle.entry[1](Observation/x)", StringComparison.Ordinal));
    }

    [Fact]
    public void Time_of_day_without_offset_is_an_error()
    {
        Assert.False(FhirTime.TryParse("2026-03-04T05:00:00", out _, out _, out var error));
        Assert.Contains("no UTC offset", error, StringComparison.Ordinal);
        Assert.True(FhirTime.TryParse("2026-03", out var month, out var partial, out _));
        Assert.True(partial);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 10, 0, 0, TimeSpan.Zero), month.ToUniversalTime());
    }
}
