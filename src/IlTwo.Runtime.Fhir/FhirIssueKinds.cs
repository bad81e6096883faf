namespace IlTwo.Runtime.Fhir;

/// <summary>
/// The stable <see cref="Records.RecordIssue.Kind"/> codes only the FHIR reader reports (the shared ones are in
/// <see cref="Records.RecordIssueKinds"/>). Each is a warning marked <see cref="Records.RecordIssue.Holds"/>: the reader
/// could not vouch for data the decision may need, so the dose is held (schedule finding <c>unclear-record</c>).
/// </summary>
public static class FhirIssueKinds
{
    /// <summary>
    /// A resource the protocol reads (or its entry, the Patient, the Bundle) carries a <c>modifierExtension</c> or
    /// <c>implicitRules</c>: FHIR says a reader that does not understand it must not process the resource as normal.
    /// </summary>
    public const string ModifierExtension = "modifier-extension";

    /// <summary>
    /// An Observation (or component) whose codings name different protocol observations (two LOINC codes, a LOINC code and
    /// a name), or that carries a protocol LOINC code under a system that is not exactly <c>http://loinc.org</c> (a
    /// trailing slash, https, LOINC's OID, none): which observation it is cannot be told, so it is not read. Also a
    /// Procedure whose codes and names say two events (<c>til-infusion</c> coded, <c>cycle-start</c> named).
    /// </summary>
    public const string UnclearCode = "unclear-code";

    /// <summary>
    /// The same resource (type and id, on the same server) in two entries with different content: two versions (a history),
    /// a retraction beside the original. Which one is true cannot be told, so neither is read. An identical copy is read
    /// once (a warning that does not hold).
    /// </summary>
    public const string DuplicateResource = "duplicate-resource";

    /// <summary>
    /// The bundle says it is not the whole record: a search with a <c>next</c> page or a <c>total</c> above its matches, an
    /// OperationOutcome with an error or an <c>incomplete</c> / <c>too-costly</c> issue, an entry that deletes a resource,
    /// an entry whose response is not a success. A newer value or dose may be in what is missing.
    /// </summary>
    public const string IncompleteBundle = "incomplete-bundle";

    /// <summary>
    /// A reading known only to the day, month or year whose period reaches past the latest fully timed reading of the same
    /// observation (at or before the decision): it may be the latest value, and what it says cannot be placed.
    /// </summary>
    public const string UnclearTime = "unclear-time";

    /// <summary>
    /// An Observation of an observation the protocol reads, or an administration of the drug, where the reader does not
    /// read: contained in another resource (a DiagnosticReport's results) or in a Bundle inside the bundle.
    /// </summary>
    public const string UnreadResource = "unread-resource";
}
