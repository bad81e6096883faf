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
    /// observation is missing (see <see cref="Evaluation.ProtocolEvaluator.Evaluate(Protocols.ProtocolRules, PatientRecord, DateTimeOffset, Evaluation.DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>). Null for other issues.
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

    /// <summary>
    /// The path and the message (<c>$.observations[3].unit: ...</c>), or the message alone when the issue has no path
    /// (malformed JSON names its line and byte in the message).
    /// </summary>
    public string Text => Path.Length == 0 ? Message : $"{Path}: {Message}";

    public override string ToString() => $"{(IsError ? "error" : "warning")}: {Text}";
}
