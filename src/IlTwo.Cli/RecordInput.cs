using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli;

/// <summary>A patient record from <c>--patient RECORD.json</c> or <c>--fhir BUNDLE.json</c> (exactly one), with its read issues.</summary>
public sealed record RecordInput(string Path, bool IsFhir)
{
    /// <summary>The option pair's usage error, or null when exactly one of them was given.</summary>
    public static RecordInput? From(string? patient, string? fhir, out string? error)
    {
        error = (patient, fhir) switch
        {
            (null, null) => "give the record with --patient RECORD.json or --fhir BUNDLE.json",
            ({ }, { }) => "give either --patient or --fhir, not both",
            _ => null,
        };
        return error is null ? new RecordInput(patient ?? fhir!, fhir is not null) : null;
    }

    /// <summary>Reads the record and writes its issues to stderr; null when it has errors (no decision may be made).</summary>
    public (PatientRecord? Record, IReadOnlyList<RecordIssue> Issues) Read(CommandContext context, ProtocolInfo protocol, DateTimeOffset? at)
    {
        IReadOnlyList<RecordIssue> issues;
        PatientRecord? record;
        if (IsFhir)
        {
            try
            {
                var read = FhirBundleReader.ReadFile(Path, protocol, at);
                (record, issues) = (read.Record, read.Issues);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or IOException or UnauthorizedAccessException))
            {
                // A bundle the FHIR SDK cannot parse (a number where an id belongs, an array for a resource): the record
                // is invalid, never a crash. The message is the SDK's, on one line.
                (record, issues) = (null, [new RecordIssue("$", $"not a readable FHIR bundle: {e.Message.ReplaceLineEndings(" ")}", IsError: true)]);
            }
        }
        else
        {
            var read = PatientJsonReader.ReadFile(Path);
            (record, issues) = (read.Succeeded ? read.Record : null, read.Issues);
        }
        foreach (var issue in issues)
        {
            context.Error.WriteLine($"{Path}: {(issue.IsError ? "error" : "warning")}{(issue.Kind is { } kind ? $"[{kind}]" : "")}: {issue.Text}");
        }

        if (record is null)
        {
            context.Error.WriteLine($"{Path}: the record is invalid; no decision was made");
        }

        return (record, issues);
    }

    /// <summary>
    /// The exit code when <see cref="Read"/> gave no record: <see cref="ExitCodes.Usage"/> (2) when the input could not be
    /// read as its format at all (malformed JSON, a wrong type in a FHIR bundle's structure), else
    /// <see cref="ExitCodes.Failure"/> (the record was read and has data errors).
    /// </summary>
    public static int FailureExit(IReadOnlyList<RecordIssue> issues) =>
        issues.Any(RecordIssueKinds.IsMalformed) ? ExitCodes.Usage : ExitCodes.Failure;
}
