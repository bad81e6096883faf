using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>Builds synthetic FHIR R4 transaction bundles the way an EHR export looks (no real patient data).</summary>
internal sealed class CourseBundle
{
    private readonly Bundle _bundle = new() { Type = Bundle.BundleType.Transaction, Entry = [] };
    private int _next;

    public CourseBundle(string patientId = "synthetic-1")
    {
        PatientUrl = Add(new Patient { Id = patientId });
    }

    public string PatientUrl { get; }

    public Bundle Bundle => _bundle;

    public string Json => _bundle.ToJson(pretty: true);

    public string Add(Resource resource, string? fullUrl = null)
    {
        fullUrl ??= $"urn:uuid:10000000-0000-4000-8000-{++_next:D12}";
        _bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName } });
        return fullUrl;
    }

    public ResourceReference Subject => new(PatientUrl);

    public static string Time(DateTimeOffset t) => FhirTime.Format(t);

    public Observation Quantity(string id, DateTimeOffset at, CodeableConcept code, double value, string unit, ObservationStatus status = ObservationStatus.Final)
    {
        var o = new Observation { Id = id, Status = status, Code = code, Subject = Subject, Effective = new FhirDateTime(Time(at)), Value = FhirBundleWriter.Quantity(value, unit) };
        Add(o);
        return o;
    }

    public Observation YesNo(string id, DateTimeOffset at, string name, bool value)
    {
        var o = new Observation
        {
            Id = id,
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Text = name },
            Subject = Subject,
            Effective = new FhirDateTime(Time(at)),
            Value = new CodeableConcept(FhirCodes.Snomed, value ? FhirCodes.SnomedYes : FhirCodes.SnomedNo, value ? "Yes" : "No"),
        };
        Add(o);
        return o;
    }

    public static CodeableConcept Loinc(string code, string display) => new()
    {
        Coding = [new Coding("http://snomed.info/sct", "000000", "some SNOMED concept"), new Coding(FhirCodes.Loinc, code, display), new Coding("urn:oid:1.2.3.4", "LOCAL-" + code)],
        Text = display,
    };

    public static CodeableConcept Named(string name) => new() { Text = name };

    public void BloodPressure(string id, DateTimeOffset at, double systolic, double diastolic = 70)
    {
        Add(new Observation
        {
            Id = id,
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.BloodPressurePanel, "Blood pressure panel"),
            Subject = Subject,
            Effective = new FhirDateTime(Time(at)),
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.Systolic, "Systolic"), Value = FhirBundleWriter.Quantity(systolic, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.Diastolic, "Diastolic"), Value = FhirBundleWriter.Quantity(diastolic, "mm[Hg]") },
            ],
        });
    }

    public void Weight(DateTimeOffset at, double kg) =>
        Quantity($"weight-{++_next}", at, new CodeableConcept(FhirCodes.Loinc, FhirCodes.BodyWeight, "Body weight"), kg, "kg");

    public void Dose(DateTimeOffset at, bool given = true, string drug = "Aldesleukin")
    {
        Add(new MedicationAdministration
        {
            Id = $"dose-{++_next}",
            Status = given ? MedicationAdministration.MedicationAdministrationStatusCodes.Completed : MedicationAdministration.MedicationAdministrationStatusCodes.NotDone,
            Medication = new CodeableConcept { Coding = [new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "0000", drug)] },
            Subject = Subject,
            Effective = new FhirDateTime(Time(at)),
        });
    }

    public void Procedure(string name, DateTimeOffset at)
    {
        Add(new Procedure
        {
            Id = $"proc-{++_next}",
            Status = EventStatus.Completed,
            Code = new CodeableConcept { Text = name },
            Subject = Subject,
            Performed = new FhirDateTime(Time(at)),
        });
    }

    /// <summary>A full, normal set of bedside findings and labs an hour before a dose at <paramref name="dose"/>.</summary>
    public void NormalFindings(DateTimeOffset dose, bool postTil, double sbp = 118, double? phenylephrine = null)
    {
        var n = ++_next;
        var before = dose.AddHours(-1);
        BloodPressure($"bp-{n}", before, sbp);
        Quantity($"hr-{n}", before, Loinc("8867-4", "Heart rate"), 88, "/min");
        Quantity($"spo2-{n}", before, Loinc("59408-5", "SpO2"), 97, "%");
        Quantity($"o2-{n}", before, Loinc("3151-8", "Inhaled oxygen flow rate"), 0, "L/min");
        Quantity($"uo1-{n}", dose.AddHours(-7), Loinc("9187-6", "Urine output"), 150, "mL");
        Quantity($"uo2-{n}", dose.AddHours(-3), Loinc("9187-6", "Urine output"), 180, "mL");
        Quantity($"cr-{n}", dose.AddHours(-6), Loinc("14682-9", "Creatinine [Moles/volume]"), 97, "umol/L");
        Quantity($"hco3-{n}", dose.AddHours(-6), Loinc("1963-8", "Bicarbonate"), 24, "mmol/L");
        Quantity($"bili-{n}", dose.AddHours(-6), Loinc("1975-2", "Bilirubin"), 0.8, "mg/dL");
        Quantity($"plt-{n}", dose.AddHours(-6), Loinc("777-3", "Platelets"), 210, "10*3/uL");
        foreach (var name in new[] { "arrhythmia", "sustained-vt", "cardiac-ischemia", "confusion", "intubated-over-72h", "coma-over-48h" })
        {
            YesNo($"{name}-{n}", before, name, false);
        }

        YesNo($"stool-{n}", dose.AddHours(-6), "stool-blood", false);
        YesNo($"dialysis-{n}", dose.AddHours(-6), "dialysis-over-72h", false);
        if (postTil)
        {
            YesNo($"frh-{n}", before, "fluid-refractory-hypotension", false);
            YesNo($"olig-{n}", before, "oliguria-despite-boluses", false);
        }
        if (phenylephrine is { } rate)
        {
            Quantity($"phe-{n}", before, Named("phenylephrine"), rate, "ug/kg/min");
        }
    }
}
