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

    public override string ToString() =>
        $"{(IsError ? "error" : "warning")}: {(Path.Length == 0 ? "" : Path + ": ")}{Message}";
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
