using System.Collections.Immutable;

namespace IlTwo.Runtime.Records;

/// <summary>
/// What a reader (<see cref="PatientJsonReader"/>, or the FHIR bundle reader) made of a record. Issue paths are JSON
/// paths (<c>$.observations[3].unit</c>) or, for FHIR, name the entry and resource (<c>Bundle.entry[3](Observation/abc)</c>).
/// There is no partial record: any error leaves <see cref="Record"/> null.
/// </summary>
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
