namespace IlTwo.Runtime.Fhir;

/// <summary>The code systems and codes the reader understands.</summary>
public static class FhirCodes
{
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Snomed = "http://snomed.info/sct";

    /// <summary>A local system for protocol observation names and event types, used by <see cref="FhirBundleWriter"/>.</summary>
    public const string Il2 = "urn:il2:name";

    /// <summary>
    /// A <c>statusReason</c> code (system <see cref="Il2"/>) on a <c>not-done</c> administration: not given for a reason other
    /// than a clinical hold (patient JSON <c>"not-given"</c>); without it <c>not-done</c> is a held dose.
    /// </summary>
    public const string NotGivenReason = "not-given";

    public const string BloodPressurePanel = "85354-9";
    public const string Systolic = "8480-6";
    public const string Diastolic = "8462-4";
    public const string BodyWeight = "29463-7";
    public const string BodyWeightMeasured = "3141-9";

    /// <summary>HL7 v3 ObservationInterpretation (FHIR R4 <c>Observation.interpretation</c>): N, A, H, L, POS, NEG, DET, ND...</summary>
    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    public const string SnomedYes = "373066001";
    public const string SnomedNo = "373067005";
}
