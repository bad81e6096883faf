namespace IlTwo.Runtime.Records;

/// <summary>The stable <see cref="RecordIssue.Kind"/> codes.</summary>
public static class RecordIssueKinds
{
    /// <summary>Not JSON (truncated, a syntax error) or nested deeper than the reader allows.</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>JSON, but not the shape of the format (a number where a string belongs, an array for an object...).</summary>
    public const string WrongType = "wrong-type";

    /// <summary>A FHIR resource whose subject is not the patient of the decision (another id, another server, an identifier only, none).</summary>
    public const string SubjectNotPatient = "subject-not-patient";

    /// <summary>The bundle has no Patient, or more than one.</summary>
    public const string NoSinglePatient = "no-single-patient";

    /// <summary>A dose that may be running (not completed, not not-done).</summary>
    public const string DoseMayBeRunning = "dose-may-be-running";

    /// <summary>A dose recorded after the decision time (clock skew, or a record written ahead).</summary>
    public const string DoseAfterDecisionTime = "dose-after-decision-time";

    /// <summary>A medication that looks like the regimen's drug but matches neither its name, synonyms nor declared codes.</summary>
    public const string DrugLookalike = "drug-lookalike";

    /// <summary>An Observation with a value under a missing, unknown or invalid status: not read, and the dose holds.</summary>
    public const string UnclearStatus = "unclear-status";

    /// <summary>A patient JSON event, dose or observation with a property the format does not define: read, and the dose holds.</summary>
    public const string UnknownProperty = "unknown-property";

    /// <summary>Whether an issue of this kind means the input could not be read as the format at all (the CLI exits 2).</summary>
    public static bool IsMalformed(RecordIssue issue) => issue.IsError && issue.Kind is MalformedJson or WrongType;
}
