using System.Collections.Immutable;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// What <see cref="FhirBundleReader"/> made of a bundle. <see cref="Issues"/> paths name the entry and resource, e.g.
/// <c>Bundle.entry[3](Observation/abc)</c>. Like <see cref="RecordReadResult"/>, there is no partial record: any
/// error leaves <see cref="Record"/> null.
/// </summary>
public sealed class FhirReadResult
{
    public FhirReadResult(PatientRecord? record, ImmutableArray<RecordIssue> issues)
    {
        Issues = issues.IsDefault ? [] : issues;
        if (record is not null && Issues.Any(i => i.IsError))
            throw new ArgumentException("A result with errors must not carry a record.", nameof(record));
        Record = record;
    }

    public PatientRecord? Record { get; }

    public ImmutableArray<RecordIssue> Issues { get; }

    public bool Succeeded => Record is not null;

    public IEnumerable<RecordIssue> Errors => Issues.Where(i => i.IsError);

    public IEnumerable<RecordIssue> Warnings => Issues.Where(i => !i.IsError);
}
