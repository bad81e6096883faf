using System.Collections.Immutable;

namespace IlTwo.Runtime.Records;

/// <summary>
/// One problem found while reading a record. <see cref="Path"/> is a JSON path into the document
/// (e.g. "$.observations[3].unit"), or "" when the problem has no location (I/O, malformed JSON).
/// </summary>
public sealed record RecordIssue(string Path, string Message, bool IsError)
{
    /// <summary>
    /// The observation (a LOINC code or the observation's name) this issue is about, when it is about one reading: e.g. a
    /// FHIR Observation with a <c>dataAbsentReason</c> and no value. With <see cref="At"/>, lets a decision say why that
    /// observation is missing (see <see cref="Evaluation.ProtocolEvaluator.Evaluate"/>). Null for other issues.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>When the reading <see cref="Code"/> refers to was (to be) taken; null for other issues.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>
    /// A stable, machine-readable code for the kind of problem (e.g. <c>fhir-malformed-json</c>,
    /// <c>fhir-subject-not-patient</c>; see <see cref="RecordIssueKinds"/>); null for issues that have none yet.
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>
    /// A warning the decision must hold on: the reader could not count something that may matter for the dose (e.g. a
    /// medication that looks like the drug but does not match it, a dose of the drug about an unresolved subject). Passed
    /// to <c>Evaluate</c> as a read issue, it becomes a schedule finding <see cref="Evaluation.ScheduleCodes.UnclearRecord"/>
    /// naming <see cref="Path"/>, and the dose is held.
    /// </summary>
    public bool Holds { get; init; }

    public override string ToString() =>
        $"{(IsError ? "error" : "warning")}: {(Path.Length == 0 ? "" : Path + ": ")}{Message}";
}

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

    /// <summary>Whether an issue of this kind means the input could not be read as the format at all (the CLI exits 2).</summary>
    public static bool IsMalformed(RecordIssue issue) => issue.IsError && issue.Kind is MalformedJson or WrongType;
}

public sealed class RecordReadResult
{
    public RecordReadResult(PatientRecord? record, ImmutableArray<RecordIssue> issues)
    {
        Issues = issues.IsDefault ? [] : issues;
        // A record alongside errors would invite callers to use half-read data.
        if (record is not null && Issues.Any(i => i.IsError))
        {
            throw new ArgumentException("A result with errors must not carry a record.", nameof(record));
        }

        Record = record;
    }

    public PatientRecord? Record { get; }

    public ImmutableArray<RecordIssue> Issues { get; }

    public bool Succeeded => Record is not null && !Issues.Any(e => e.IsError);

    public IEnumerable<RecordIssue> Errors => Issues.Where(i => i.IsError);

    public IEnumerable<RecordIssue> Warnings => Issues.Where(i => !i.IsError);
}
