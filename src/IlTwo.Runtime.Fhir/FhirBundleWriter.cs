using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// Writes a <see cref="PatientRecord"/> as a synthetic FHIR R4 transaction bundle that <see cref="FhirBundleReader"/>
/// reads back to the same data (for tests, demos and fixtures; it never holds real patient data). Entries carry
/// <c>urn:uuid:</c> full URLs derived from their position, so the output is deterministic.
/// </summary>
public static class FhirBundleWriter
{
    /// <param name="weightAt">When the body weight observation is dated (default: a week before the first record time).</param>
    public static string Write(PatientRecord record, ProtocolInfo protocol, DateTimeOffset? weightAt = null) =>
        ToBundle(record, protocol, weightAt).ToJson(pretty: true);

    public static Bundle ToBundle(PatientRecord record, ProtocolInfo protocol, DateTimeOffset? weightAt = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(protocol);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Entry = [] };
        var counter = 0;
        string NextUrl() => $"urn:uuid:00000000-0000-4000-8000-{++counter:D12}";

        var patientUrl = NextUrl();
        var patient = new Patient { Id = record.PatientId ?? "synthetic" };
        Add(bundle, patientUrl, patient);
        var subject = new ResourceReference(patientUrl);

        var times = record.Events.Select(e => e.At).Concat(record.Doses.Select(d => d.At)).Concat(record.Observations.Select(o => o.At)).ToList();
        if (record.Weight is { } weight)
        {
            var at = weightAt ?? (times.Count == 0 ? DateTimeOffset.UnixEpoch : times.Min()).AddDays(-7);
            Add(bundle, NextUrl(), new Observation
            {
                Id = $"weight-{counter}",
                Status = ObservationStatus.Final,
                Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.BodyWeight, "Body weight"),
                Subject = subject,
                Effective = new FhirDateTime(FhirTime.Format(at)),
                Value = Quantity(weight.Value, weight.Unit),
            });
        }

        foreach (var e in record.Events)
        {
            Add(bundle, NextUrl(), new Procedure
            {
                Id = $"event-{counter}",
                Status = EventStatus.Completed,
                Code = new CodeableConcept { Text = e.Type, Coding = [new Coding(FhirCodes.Il2, e.Type)] },
                Subject = subject,
                Performed = new FhirDateTime(FhirTime.Format(e.At)),
            });
        }

        var drug = protocol.Regimen.Drug ?? "aldesleukin";
        foreach (var d in record.Doses)
        {
            var status = d.Status switch
            {
                DoseStatus.Given => MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                DoseStatus.Held or DoseStatus.NotGiven => MedicationAdministration.MedicationAdministrationStatusCodes.NotDone,
                DoseStatus.MayBeRunning => MedicationAdministration.MedicationAdministrationStatusCodes.InProgress,
                _ => throw new ArgumentException($"Unknown dose status {d.Status}.", nameof(record)),
            };
            var administration = new MedicationAdministration
            {
                Id = $"dose-{counter + 1}",
                Status = status,
                Medication = new CodeableConcept { Text = drug },
                Subject = subject,
                Effective = new FhirDateTime(FhirTime.Format(d.At)),
            };
            // Not given for a reason other than a hold: not-done with a reason the reader knows (the engine ignores it).
            if (d.Status == DoseStatus.NotGiven)
            {
                administration.StatusReason = [new CodeableConcept(FhirCodes.Il2, FhirCodes.NotGivenReason, "not given (not a clinical hold)")];
            }

            if (d.Amount is { } amount)
            {
                administration.Dosage = new MedicationAdministration.DosageComponent { Dose = Quantity(amount.Value, amount.Unit) };
            }

            Add(bundle, NextUrl(), administration);
        }

        foreach (var o in record.Observations)
        {
            var observation = protocol.Observations.FirstOrDefault(x => x.Name == o.Code || x.Codes.Contains(o.Code));
            var code = observation is not null && observation.Codes.Contains(o.Code)
                ? new CodeableConcept { Coding = [new Coding("http://example.org/local-codes", "local-" + o.Code), new Coding(FhirCodes.Loinc, o.Code)] }
                : new CodeableConcept { Text = o.Code, Coding = [new Coding(FhirCodes.Il2, o.Code)] };
            Add(bundle, NextUrl(), new Observation
            {
                Id = $"obs-{counter}",
                Status = ObservationStatus.Final,
                Code = code,
                Subject = subject,
                Effective = new FhirDateTime(FhirTime.Format(o.At)),
                Value = o.Flag is { } flag ? new FhirBoolean(flag) : Quantity(o.Value ?? double.NaN, o.Unit ?? ""),
            });
        }
        return bundle;
    }

    public static Quantity Quantity(double value, string unit) => new()
    {
        Value = decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
        Unit = unit,
        System = FhirCodes.Ucum,
        Code = unit,
    };

    private static void Add(Bundle bundle, string fullUrl, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
        });
}
