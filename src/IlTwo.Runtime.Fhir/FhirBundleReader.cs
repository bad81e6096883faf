using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// Reads a FHIR R4 <c>Bundle</c> (JSON) into the <see cref="PatientRecord"/> a protocol needs; the engine then decides
/// exactly as for the patient JSON. Never throws for bad input: every problem is a <see cref="RecordIssue"/> whose path
/// names the entry and resource (<c>Bundle.entry[3](Observation/abc)</c>), and any error leaves no record.
/// </summary>
/// <remarks>
/// <para><b>Observations</b> match a protocol observation by a LOINC coding (system <c>http://loinc.org</c>) among its
/// declared codes — any coding of the concept, among SNOMED or local ones — or by a coding code, display or
/// <c>code.text</c> equal to the observation's name (e.g. <c>phenylephrine</c>). A blood pressure panel (85354-9)
/// contributes its systolic (8480-6) and diastolic (8462-4) components.</para>
/// <para><b>Values.</b> <c>valueQuantity</c> needs a UCUM code (system <c>http://unitsofmeasure.org</c>); a unit given
/// only as <c>unit</c> text is used only when it is itself a valid UCUM code (with a warning). The unit must convert to
/// the observation's declared unit (with its molar mass), else it is an error naming the resource: never compared raw.
/// A comparator (<c>&lt;10</c>) is an error. Yes/no: <c>valueBoolean</c>, or <c>valueCodeableConcept</c> with SNOMED
/// 373066001 (yes) / 373067005 (no), or text yes/no.</para>
/// <para><b>dataAbsentReason</b> (no value): a warning carrying the reason, with <see cref="RecordIssue.Code"/> and
/// <see cref="RecordIssue.At"/> set, so a decision that misses the value says why (pass <see cref="RecordReadResult.Issues"/>
/// to <c>Evaluate</c>).</para>
/// <para><b>Status.</b> <c>final</c>, <c>amended</c>, <c>corrected</c> are used. <c>preliminary</c> is <b>used</b> (bedside
/// and point-of-care results are often preliminary, and ignoring them would hide a toxicity) and reported as a warning;
/// a later <c>final</c>/<c>amended</c>/<c>corrected</c> result for the same reading supersedes it. <c>entered-in-error</c>
/// and <c>cancelled</c> are ignored (warning); <c>registered</c> and <c>unknown</c> are ignored (warning).</para>
/// <para><b>Amendments.</b> Readings are the same when they share an identifier (system|value), or else the same
/// observation and effective time. Within a group that holds an <c>amended</c> or <c>corrected</c> result, only the latest
/// (by <c>meta.lastUpdated</c>, else <c>issued</c>, else bundle order) is kept; each superseded one is reported (warning).
/// Groups without an amendment keep all readings (two identical readings are both real data points).</para>
/// <para><b>Times.</b> <c>effectiveDateTime</c>, <c>effectiveInstant</c> or <c>effectivePeriod</c> (end, else start).
/// Partial dates: see <see cref="FhirTime"/> (read as the start of the period; warning). Doses and events need a full
/// time (an error otherwise): an earlier-looking dose would let the next one come too early.</para>
/// <para><b>Doses</b>: <c>MedicationAdministration</c> whose <c>medicationCodeableConcept</c> (or referenced
/// <c>Medication.code</c>) has a coding matching one of the drug's declared codes (<c>drug aldesleukin code
/// "system|code"</c>), or a text or coding display/code naming the drug or a synonym as whole words
/// (<see cref="DrugNames"/>: "Proleukin", "aldesleukin 600,000 IU/kg IV"). <c>completed</c> → given, <c>not-done</c> →
/// held, <c>entered-in-error</c> ignored; any other status, or none, is a dose that may be running
/// (<see cref="DoseStatus.MayBeRunning"/>, which holds). A medication that only looks like the drug, or whose Medication is
/// not in the bundle, is a warning that holds (<see cref="RecordIssue.Holds"/>). A dose after the decision time is
/// reported (the engine holds on it). <b>Events</b>:
/// <c>Procedure</c> with a coding matching one of an event's declared codes, or a coding code/display or text equal to an
/// event name (or <c>cycle-start</c>, <c>course-stop</c>); <c>entered-in-error</c>/<c>not-done</c>/<c>preparation</c> are ignored (warning).
/// A declared code <c>system|code</c> matches a coding with that system and code; a bare code matches a coding with that
/// code in any system.</para>
/// <para><b>Weight</b>: the latest body weight Observation (29463-7 or 3141-9) at or before the evaluation time.</para>
/// <para><b>References</b>: every <c>urn:uuid:</c> reference must resolve to an entry's <c>fullUrl</c> (error otherwise).
/// Only resources whose subject resolves to the bundle's single Patient are read; the others (identifier only, no
/// subject, another server, another id) are refused with a warning naming why (a refused administration of the drug
/// holds). No Patient or several is an error. Malformed JSON and a wrong skeleton are located errors
/// (<see cref="FhirShape"/>), with a <see cref="RecordIssue.Kind"/>.</para>
/// <para><b>Units</b>: conversion is checked with IlTwo.Runtime.Units.Ucum — the same code the engine converts with, so
/// the reader and the engine cannot disagree about a unit. Fhir.Metrics is not used at run time: its <c>Convert</c>
/// throws, Celsius needs special handling, and it needs culture data that InvariantGlobalization removes; it serves as
/// the second opinion in the tests (every unit the reader accepts must also be valid for Fhir.Metrics).</para>
/// </remarks>
public static class FhirBundleReader
{
    private static readonly string[] UsedStatuses = ["final", "amended", "corrected", "preliminary"];

    /// <param name="json">A FHIR R4 Bundle in JSON.</param>
    /// <param name="protocol">The protocol whose observations, events and drug the record needs.</param>
    /// <param name="at">The evaluation time, for choosing the body weight (latest at or before it); null: the latest.</param>
    public static RecordReadResult Read(string json, ProtocolInfo protocol, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), protocol, at);
    }

    /// <param name="utf8Json">A FHIR R4 Bundle in JSON, UTF-8 encoded (as it came over the wire: no string is made of it).</param>
    /// <param name="protocol">The protocol whose observations, events and drug the record needs.</param>
    /// <param name="at">The evaluation time, for choosing the body weight (latest at or before it); null: the latest.</param>
    public static RecordReadResult Read(ReadOnlyMemory<byte> utf8Json, ProtocolInfo protocol, DateTimeOffset? at = null) =>
        Read(utf8Json, protocol, at, fast: true);

    /// <param name="fast">Whether a bundle that <see cref="FhirFastBundle"/> accepts may skip the Firely deserializer
    /// (false: always the full way; the differential tests compare the two).</param>
    internal static RecordReadResult Read(ReadOnlyMemory<byte> utf8Json, ProtocolInfo protocol, DateTimeOffset? at, bool fast) =>
        Read(protocol, at, issues => fast && FhirFastBundle.TryRead(utf8Json) is { } built ? (built, true) : (Parse(utf8Json, issues), false));

    /// <summary>
    /// Reads several FHIR values as one bundle (<see cref="FhirBundleParts"/>: a CDS Hooks prefetch, the pages of a
    /// search), exactly as <see cref="Read(ReadOnlyMemory{byte}, ProtocolInfo, DateTimeOffset?)"/> reads their merged
    /// text; parts the fast path takes are read straight from the parsed JSON, without writing and parsing them again.
    /// </summary>
    /// <param name="parts">Bundles (their entries are read) and single resources, as parsed JSON.</param>
    /// <param name="fhirServer">The server the values came from: a single resource's fullUrl is <c>{fhirServer}/{type}/{id}</c>.</param>
    /// <param name="protocol">The protocol whose observations, events and drug the record needs.</param>
    /// <param name="at">The evaluation time, for choosing the body weight (latest at or before it); null: the latest.</param>
    public static RecordReadResult Read(IReadOnlyList<JsonElement> parts, string? fhirServer, ProtocolInfo protocol, DateTimeOffset? at = null) =>
        Read(parts, fhirServer, protocol, at, fast: true);

    internal static RecordReadResult Read(IReadOnlyList<JsonElement> parts, string? fhirServer, ProtocolInfo protocol, DateTimeOffset? at, bool fast)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return Read(protocol, at, issues => fast && FhirFastBundle.TryRead(parts, fhirServer) is { } built
            ? (built, true)
            : (Parse(FhirBundleParts.Merge(parts, fhirServer), issues), false));
    }

    /// <param name="parse">The bundle (null when it cannot be read), and whether <see cref="FhirFastBundle"/> built it.</param>
    private static RecordReadResult Read(ProtocolInfo protocol, DateTimeOffset? at, Func<ImmutableArray<RecordIssue>.Builder, (Bundle? Bundle, bool Fast)> parse)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var issues = ImmutableArray.CreateBuilder<RecordIssue>();
        try
        {
            var (bundle, fast) = parse(issues);
            if (bundle is null)
            {
                return new RecordReadResult(null, issues.ToImmutable());
            }

            var reader = new Reader(bundle, fast, protocol, at, issues);
            var record = reader.Run();
            return new RecordReadResult(issues.Any(i => i.IsError) ? null : record, issues.ToImmutable());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The SDK keeps some invalid values and throws only when they are read; whatever slipped past the checks, the
            // reader reports it and makes no record.
            issues.Add(FhirShape.Malformed(RecordIssueKinds.WrongType, "Bundle", $"cannot be read: {e.Message}"));
            return new RecordReadResult(null, issues.ToImmutable());
        }
    }

    public static RecordReadResult ReadFile(string path, ProtocolInfo protocol, DateTimeOffset? at = null)
    {
        try
        {
            return Read(File.ReadAllText(path, Encoding.UTF8), protocol, at);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RecordReadResult(null, [new RecordIssue("", $"cannot read '{path}': {e.Message}", true)]);
        }
    }

    private static Bundle? Parse(ReadOnlyMemory<byte> utf8, ImmutableArray<RecordIssue>.Builder issues)
    {
        // Recoverable: unknown elements and bad primitives are reported and left out, so one odd element does not lose the
        // bundle; a value that did not parse is then missing, which the reader treats as an error where a value is needed.
        // First the raw JSON: truncated text, deep nesting and a wrong skeleton ("fullUrl": 1, "resource": []) are located
        // errors here, before the SDK (which would keep such values and throw when they are read) sees them.
        if (!FhirShape.Check(utf8, issues))
        {
            return null;
        }

        var deserializer = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
        Resource? resource;
        IEnumerable<Hl7.Fhir.Utility.CodedException> problems;
        try
        {
            var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = FhirShape.MaxDepth + 8 });
            deserializer.TryDeserializeResource(ref reader, out resource, out problems);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Even in recoverable mode the SDK throws for some bad primitives (a string where a decimal belongs).
            issues.Add(FhirShape.Malformed(RecordIssueKinds.WrongType, "Bundle", $"malformed FHIR bundle: {e.Message}"));
            return null;
        }
        foreach (var problem in problems ?? [])
        {
            // Unknown elements, codes and choice types (data from a newer FHIR release) lose nothing the reader needs: a
            // warning. Any other problem is a value of the wrong type, which the SDK keeps and would throw on: an error.
            var path = problem is Hl7.Fhir.Utility.ExtendedCodedException { InstancePath: { Length: > 0 } instance } ? instance : "Bundle";
            if (CodedExceptionFilters.FilterBackwardsCompatibilityIssues(problem))
            {
                issues.Add(new RecordIssue(path, $"FHIR parser: {problem.Message}", false));
            }
            else
            {
                issues.Add(FhirShape.Malformed(RecordIssueKinds.WrongType, path, $"FHIR parser ({problem.ErrorCode}): {problem.Message}"));
            }
        }
        if (resource is null)
        {
            issues.Add(FhirShape.Malformed(RecordIssueKinds.MalformedJson, "Bundle", "malformed FHIR bundle: no resource could be read"));
            return null;
        }
        if (resource is not Bundle bundle)
        {
            issues.Add(FhirShape.Malformed(RecordIssueKinds.WrongType, "Bundle", $"expected a Bundle, got a {resource.TypeName}"));
            return null;
        }
        return issues.Any(i => i.IsError) ? null : bundle;
    }

    /// <summary>One observation reading before amendments are resolved.</summary>
    private sealed record Reading(
        int Entry, string Label, ObservationInfo Observation, RecordedObservation Value, string Status,
        string? Identifier, DateTimeOffset? Updated)
    {
        /// <summary>For a time known only to the day, month or year: the latest instant it could be (null for a full time).</summary>
        public DateTimeOffset? Until { get; init; }
    }

    /// <param name="fast">Whether <see cref="FhirFastBundle"/> built the bundle: then its references are only where that
    /// path puts them (<see cref="CheckFastReferences"/>).</param>
    private sealed class Reader(Bundle bundle, bool fast, ProtocolInfo protocol, DateTimeOffset? at, ImmutableArray<RecordIssue>.Builder issues)
    {
        private readonly Dictionary<string, int> _byFullUrl = new(StringComparer.Ordinal);
        private readonly List<Reading> _readings = [];
        private readonly List<(int Entry, RecordedEvent Event)> _events = [];
        private readonly List<(int Entry, RecordedDose Dose)> _doses = [];
        private readonly List<(DateTimeOffset At, MeasuredValue Weight)> _weights = [];
        private readonly HashSet<int> _skip = [];
        private Patient? _patient;
        private int _patientEntry = -1;

        private void Error(string path, string message) => issues.Add(new RecordIssue(path, message, true));

        private void Warn(string path, string message) => issues.Add(new RecordIssue(path, message, false));

        private static string LabelOf(int index, Resource? resource) =>
            resource is null ? $"Bundle.entry[{index}]"
            : string.IsNullOrEmpty(resource.Id) ? $"Bundle.entry[{index}]({resource.TypeName})"
            : $"Bundle.entry[{index}]({resource.TypeName}/{resource.Id})";

        public PatientRecord Run()
        {
            var entries = bundle.Entry ?? [];
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].FullUrl is { Length: > 0 } url && !_byFullUrl.TryAdd(url, i))
                {
                    Error(LabelOf(i, entries[i].Resource), $"fullUrl '{url}' is used by more than one entry");
                }
            }
            var patients = entries.Select((e, i) => (e.Resource, i)).Where(p => p.Resource is Patient).ToList();
            if (patients.Count > 1)
            {
                issues.Add(new RecordIssue("Bundle", $"the bundle holds {patients.Count} Patient resources ({string.Join(", ", patients.Select(p => LabelOf(p.i, p.Resource)))}); expected one: the decision is for one patient", true) { Kind = RecordIssueKinds.NoSinglePatient });
            }
            else if (patients.Count == 1)
            {
                (_patient, _patientEntry) = ((Patient)patients[0].Resource!, patients[0].i);
                Understood(_patientEntry, LabelOf(_patientEntry, _patient), _patient, "the bundle's Patient");
                if (_patient.Link is { Count: > 0 } links)
                {
                    var others = string.Join(", ", links.Select(l => $"'{l.Other?.Reference ?? l.Other?.Display}' ({Literal(l.TypeElement) ?? "no type"})"));
                    Incomplete(LabelOf(_patientEntry, _patient), $"the Patient is linked to another Patient resource ({others}): some of this patient's data may be recorded under it");
                }
            }
            else if (entries.Any(e => e.Resource is Observation or MedicationAdministration or Procedure))
            {
                issues.Add(new RecordIssue("Bundle", "the bundle holds no Patient resource: whose data it is cannot be told, and the decision is for one patient", true) { Kind = RecordIssueKinds.NoSinglePatient });
            }

            if (bundle.ImplicitRules is { Length: > 0 } rules)
            {
                Add(NotUnderstood("Bundle", "the Bundle", $"implicitRules '{rules}'"));
            }

            CheckDuplicates(entries);
            CheckComplete(entries);

            for (var i = 0; i < entries.Count; i++)
            {
                var resource = entries[i].Resource;
                var label = LabelOf(i, resource);
                if (resource is null)
                {
                    Warn(label, "entry without a resource is ignored");
                    continue;
                }
                if (_skip.Contains(i))
                {
                    continue;
                }

                try
                {
                    if (fast)
                    {
                        CheckFastReferences(label, resource);
                    }
                    else
                    {
                        CheckReferences(label, resource);
                    }

                    UnreadInside(label, resource);
                    switch (resource)
                    {
                        case Observation o when (Refusal(o.Subject) ?? FocusRefusal(o)) is { } refusal:
                            RefuseObservation(label, o, refusal);
                            break;
                        case Observation o:
                            ReadObservation(i, label, o);
                            break;
                        case MedicationAdministration m when Refusal(m.Subject) is { } refusal:
                            RefuseAdministration(label, m, refusal);
                            break;
                        case MedicationAdministration m:
                            ReadAdministration(i, label, m);
                            break;
                        case Procedure p when Refusal(p.Subject) is { } refusal:
                            Refused(label, refusal);
                            break;
                        case Procedure p:
                            ReadProcedure(i, label, p);
                            break;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The SDK keeps an invalid primitive (a string where a decimal belongs) and throws when it is read.
                    issues.Add(FhirShape.Malformed(RecordIssueKinds.WrongType, label, $"cannot be read (a value of the wrong type): {e.Message}"));
                }
            }

            var observations = ResolveAmendments();
            MeasuredValue? weight = _weights.Where(w => at is not { } limit || w.At <= limit).OrderBy(w => w.At).Select(w => (MeasuredValue?)w.Weight).LastOrDefault();
            return new PatientRecord(
                _patient?.Id,
                weight,
                [.. _events.OrderBy(e => e.Event.At.UtcTicks).ThenBy(e => e.Entry).Select(e => e.Event)],
                [.. _doses.OrderBy(d => d.Dose.At.UtcTicks).ThenBy(d => d.Entry).Select(d => d.Dose)],
                [.. observations]);
        }

        // ------------------------------------------------------------ duplicates and completeness

        /// <summary>
        /// The same resource (type and id, on the same server) in several entries: an identical copy is read once (warning);
        /// copies that differ (two versions, a retraction beside the original) are none of them read, and the dose holds.
        /// </summary>
        private void CheckDuplicates(List<Bundle.EntryComponent> entries)
        {
            var groups = entries.Select((e, i) => (Key: IdentityOf(e), Index: i)).Where(x => x.Key is not null).GroupBy(x => x.Key!, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var members = group.Select(x => x.Index).ToList();
                if (members.Count < 2)
                {
                    continue;
                }

                var first = entries[members[0]].Resource!;
                if (members.Skip(1).All(i => entries[i].Resource!.IsExactly(first)))
                {
                    foreach (var i in members.Skip(1))
                    {
                        _skip.Add(i);
                        Add(new RecordIssue(LabelOf(i, entries[i].Resource), $"an identical copy of {LabelOf(members[0], first)}: read once", false) { Kind = FhirIssueKinds.DuplicateResource });
                    }
                    continue;
                }
                _skip.UnionWith(members);
                var versions = members.Select(i => LabelOf(i, entries[i].Resource) + (entries[i].Resource!.Meta?.VersionId is { } v ? $" version {v}" : ""));
                Add(new RecordIssue(LabelOf(members[0], first),
                    $"the same resource ({group.Key}) is in {members.Count} entries with different content ({string.Join(", ", versions)}); which one is true cannot be told, so none is read and the dose is held",
                    false)
                {
                    Kind = FhirIssueKinds.DuplicateResource,
                    Holds = true,
                });
            }
        }

        /// <summary>An entry's resource identity (<c>[server/]Type/id</c>) for the resources the reader reads; null for others.</summary>
        private static string? IdentityOf(Bundle.EntryComponent entry)
        {
            if (entry.Resource is not (Observation or MedicationAdministration or Procedure) || entry.Resource.Id is not { Length: > 0 } id)
            {
                return null;
            }

            var relative = $"{entry.Resource.TypeName}/{id}";
            var server = entry.FullUrl is { } url && url.Contains("://", StringComparison.Ordinal) && url.EndsWith("/" + relative, StringComparison.Ordinal)
                ? url[..^relative.Length]
                : "";
            return server + relative;
        }

        private static readonly OperationOutcome.IssueType[] IncompleteIssues = [OperationOutcome.IssueType.Incomplete, OperationOutcome.IssueType.TooCostly];

        /// <summary>
        /// A bundle that says it is not the whole record (a next page, a total above its matches, an OperationOutcome with an
        /// error or an incomplete result, an entry that deletes a resource or whose response failed) holds: a newer value or
        /// dose may be in what is missing. A deleting entry's resource is not read.
        /// </summary>
        private void Incomplete(string path, string why) =>
            Add(new RecordIssue(path, $"{why}; a newer value or dose may be in what is missing, so the dose is held until the bundle is whole", false)
            {
                Kind = FhirIssueKinds.IncompleteBundle,
                Holds = true,
            });

        private void CheckComplete(List<Bundle.EntryComponent> entries)
        {
            for (var k = 0; k < (bundle.Link ?? []).Count; k++)
            {
                if (bundle.Link![k] is { Relation: "next" } next)
                {
                    Incomplete($"Bundle.link[{k}]", $"the search has a next page ('{next.Url}') that is not in the bundle");
                }
            }
            var matches = entries.Count(e => e.Resource is not null and not OperationOutcome && e.Search?.Mode is null or Bundle.SearchEntryMode.Match);
            if (bundle.Type == Bundle.BundleType.Searchset && bundle.Total is { } total && total > matches)
            {
                Incomplete("Bundle.total", $"the search matched {total} resources, the bundle holds {matches}");
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var label = LabelOf(i, entry.Resource);
                if (entry.Request is { Method: Bundle.HTTPVerb.DELETE } delete)
                {
                    _skip.Add(i);
                    Incomplete(label, $"the entry deletes '{delete.Url}': what it deleted cannot be told");
                }
                if (entry.Response is { Status: { } status } && !status.TrimStart().StartsWith('2'))
                {
                    Incomplete(label, $"the entry's response status is '{status}', not a success");
                }
                foreach (var outcome in new[] { entry.Resource, entry.Response?.Outcome }.OfType<OperationOutcome>())
                {
                    var issue = (outcome.Issue ?? []).FirstOrDefault(x =>
                        x.Severity is OperationOutcome.IssueSeverity.Fatal or OperationOutcome.IssueSeverity.Error || (x.Code is { } code && IncompleteIssues.Contains(code)));
                    if (issue is not null)
                    {
                        Incomplete(label, $"an OperationOutcome says '{Literal(issue.SeverityElement)}' / '{Literal(issue.CodeElement)}'{(string.IsNullOrWhiteSpace(issue.Diagnostics) ? "" : $": {issue.Diagnostics}")}");
                    }
                }
            }
        }

        // ------------------------------------------------------------ modifiers

        /// <summary>
        /// Whether the entry and resource carry no modifier the reader does not understand; else reports it (a warning that
        /// holds) and returns false: FHIR says a resource with a <c>modifierExtension</c> the reader does not know (or
        /// <c>implicitRules</c>) must not be processed as normal, as the modifier may negate or qualify what it says.
        /// </summary>
        private bool Understood(int entry, string label, Resource resource, string what)
        {
            // The fast path accepts neither element (any extension sends a bundle the full way).
            if (fast)
            {
                return true;
            }

            var modifier = bundle.Entry[entry].ModifierExtension is { Count: > 0 } onEntry
                ? $"a modifierExtension '{onEntry[0].Url}' on its Bundle.entry"
                : ModifierIn(resource, resource.TypeName);
            if (modifier is null)
            {
                return true;
            }

            Add(NotUnderstood(label, what, modifier));
            return false;
        }

        private static RecordIssue NotUnderstood(string label, string what, string modifier) =>
            new(label, $"{what} carries {modifier}, which the reader does not understand; FHIR says it must then not be processed as normal, so it is not read as normal data and the dose is held", false)
            {
                Kind = FhirIssueKinds.ModifierExtension,
                Holds = true,
            };

        /// <summary>The first <c>modifierExtension</c> or <c>implicitRules</c> anywhere in the element (contained resources included), with its path; null when none.</summary>
        private static string? ModifierIn(Base node, string path)
        {
            foreach (var (name, value) in node.EnumerateElements())
            {
                switch (name, value)
                {
                    case ("modifierExtension", System.Collections.IEnumerable extensions) when extensions.OfType<Extension>().FirstOrDefault() is { } first:
                        return $"{path}.modifierExtension '{first.Url}'";
                    case ("implicitRules", FhirUri { Value: { Length: > 0 } rules }):
                        return $"{path}.implicitRules '{rules}'";
                    case (_, Base child) when ModifierIn(child, $"{path}.{name}") is { } inChild:
                        return inChild;
                    case (_, System.Collections.IEnumerable many and not string):
                        var index = 0;
                        foreach (var item in many)
                        {
                            if (item is Base element && ModifierIn(element, $"{path}.{name}[{index}]") is { } inItem)
                            {
                                return inItem;
                            }

                            index++;
                        }
                        break;
                }
            }
            return null;
        }

        // ------------------------------------------------------------ references and subjects

        private void CheckReferences(string label, Base node)
        {
            // Every reference anywhere in the resource, depth first in element order (so errors come in document order).
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base single:
                        CheckReference(label, single);
                        break;
                    case System.Collections.IEnumerable many and not string:
                        foreach (var item in many)
                        {
                            if (item is Base child)
                            {
                                CheckReference(label, child);
                            }
                        }
                        break;
                }
            }
        }

        private void CheckReference(string label, Base element)
        {
            CheckResolves(label, element as ResourceReference);

            // Primitives hold no references (only their extensions could, and those are elements like any other).
            CheckReferences(label, element);
        }

        private void CheckResolves(string label, ResourceReference? reference)
        {
            if (reference is { Reference: { } text } && text.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && !_byFullUrl.ContainsKey(text))
            {
                Error(label, $"reference '{text}' does not resolve to any entry's fullUrl in the bundle");
            }
        }

        /// <summary>
        /// <see cref="CheckReferences"/> for a resource <see cref="FhirFastBundle"/> built, without walking every element:
        /// that path sets references only in these elements (each a reference and a display, nothing nested in them), and
        /// they are checked in the walk's order (the elements' order in FHIR R4: medication[x] before subject).
        /// </summary>
        private void CheckFastReferences(string label, Resource resource)
        {
            switch (resource)
            {
                case Observation o:
                    CheckResolves(label, o.Subject);
                    break;
                case MedicationAdministration m:
                    CheckResolves(label, m.Medication as ResourceReference);
                    CheckResolves(label, m.Subject);
                    break;
                case Procedure p:
                    CheckResolves(label, p.Subject);
                    break;
            }
        }

        /// <summary>
        /// Null when the subject resolves to the bundle's one Patient; else why not. Only a reference that resolves is
        /// trusted: a missing subject, an identifier only, an absolute URL on another server than the patient's entry, or
        /// a Patient id that does not match are all refused (never read as the patient's data).
        /// </summary>
        private string? Refusal(ResourceReference? subject) => Unresolved(subject) ?? Contradicted(subject!);

        /// <summary>
        /// Why an Observation whose subject is the patient is still not about the patient: a <c>focus</c> (FHIR: "when it is
        /// not the patient of record": a fetus, a donor, a device) that is not the patient itself.
        /// </summary>
        private string? FocusRefusal(Observation o)
        {
            foreach (var focus in o.Focus ?? [])
            {
                if (Unresolved(focus) is not null || Contradicted(focus) is not null)
                {
                    var what = focus.Reference ?? focus.Display ?? (focus.Identifier is { } id ? $"{id.System}|{id.Value}" : "(empty)");
                    return $"its focus '{what}' is not the bundle's patient: the observation is about someone or something else (FHIR Observation.focus)";
                }
            }
            return null;
        }

        /// <summary>Why a reference that resolves to the patient names someone else all the same: a type that is not Patient, an identifier the patient does not have.</summary>
        private string? Contradicted(ResourceReference reference)
        {
            if (reference.Type is { Length: > 0 } type && type is not ("Patient" or "http://hl7.org/fhir/StructureDefinition/Patient"))
            {
                return $"its reference '{reference.Reference}' names the bundle's patient, but its type is '{type}'";
            }

            if (reference.Identifier is { Value: { Length: > 0 } value } identifier
                && !(_patient!.Identifier ?? []).Any(i => i.Value == value && i.System == identifier.System))
            {
                return $"its reference '{reference.Reference}' names the bundle's patient, but its identifier '{identifier.System}|{value}' is not one of that patient's";
            }

            return null;
        }

        /// <summary>Null when the reference resolves to the bundle's one Patient; else why not.</summary>
        private string? Unresolved(ResourceReference? subject)
        {
            if (_patient is null)
            {
                return "the bundle has no single Patient";
            }

            var relative = "Patient/" + _patient.Id;
            var patientUrl = bundle.Entry[_patientEntry].FullUrl;
            if (subject is null)
            {
                return $"it has no subject; only data whose subject is the bundle's patient ({relative}) is read";
            }

            if (subject.Reference is not { Length: > 0 } reference)
            {
                return subject.Identifier is { Value: { Length: > 0 } value } identifier
                    ? $"its subject is given only by identifier '{identifier.System}|{value}', which does not resolve to the bundle's patient ({relative})"
                    : $"its subject has no reference; only data whose subject is the bundle's patient ({relative}) is read";
            }
            if (reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase))
            {
                if (_byFullUrl.TryGetValue(reference, out var target) && target == _patientEntry)
                {
                    return null;
                }

                return $"its subject '{reference}' is not the bundle's patient ({relative})";
            }
            if (reference == patientUrl || reference == relative)
            {
                return null;
            }

            if (reference.EndsWith("/" + relative, StringComparison.Ordinal) && reference.Contains("://", StringComparison.Ordinal))
            {
                return $"its subject '{reference}' is an absolute URL on another server than the bundle's patient ({patientUrl ?? relative})";
            }

            return $"its subject '{reference}' is not the bundle's patient ({relative})";
        }

        private RecordIssue Refused(string label, string refusal, bool holds = false) =>
            Add(new RecordIssue(label, $"refused: {refusal}", false) { Kind = RecordIssueKinds.SubjectNotPatient, Holds = holds });

        private RecordIssue Add(RecordIssue issue)
        {
            issues.Add(issue);
            return issue;
        }

        /// <summary>
        /// A refused observation the protocol reads is reported with its observation and time, so that a decision missing
        /// that observation says which resource was refused and why.
        /// </summary>
        private void RefuseObservation(string label, Observation o, string refusal)
        {
            // A panel is named by its first component the protocol reads (the systolic pressure of a blood pressure panel).
            var observation = (o.Code is null ? null : Match(o.Code))
                ?? (o.Component ?? []).Select(c => c.Code is null ? null : Match(c.Code)).FirstOrDefault(c => c is not null);
            DateTimeOffset? time = null;
            var effective = o.Effective switch
            {
                FhirDateTime d => d.Value,
                Instant i => i.Value is { } v ? FhirTime.Format(v) : null,
                Period p => p.End ?? p.Start,
                _ => null,
            };
            if (effective is not null && FhirTime.TryParse(effective, out var parsed, out _, out _))
            {
                time = parsed;
            }

            var what = observation is null ? "" : $"{Title(observation)}{(time is { } t ? " at " + Show(t) : "")} in ";
            issues.Add(new RecordIssue(label, $"{what}{label} refused: {refusal}", false)
            {
                Kind = RecordIssueKinds.SubjectNotPatient,
                Code = observation is null || time is null ? null : observation.Name,
                At = observation is null ? null : time,
            });
        }

        /// <summary>
        /// Observations and administrations the reader does not read because of where they are: contained in another
        /// resource (a DiagnosticReport's results, a panel's members) or in a bundle inside the bundle. One the protocol
        /// would read (its observation's code, the drug) may be the toxic reading or a dose, so it holds.
        /// </summary>
        private void UnreadInside(string label, Resource resource)
        {
            var inside = resource switch
            {
                Bundle nested => (nested.Entry ?? []).Select(e => e.Resource).OfType<Resource>().Select(r => (Resource: r, Where: "in a Bundle inside the bundle")),
                DomainResource { Contained.Count: > 0 } d => d.Contained.Select(r => (Resource: r, Where: $"contained in {resource.TypeName}")),
                _ => [],
            };
            foreach (var (unread, where) in inside)
            {
                var what = unread switch
                {
                    Observation { Code: { } code } o when Match(code) is { } observation => $"an Observation of {observation.Name}",
                    Observation { Component: { Count: > 0 } parts } when parts.Any(c => c.Code is { } code && Match(code) is not null) => "an Observation with components the protocol reads",
                    MedicationAdministration m when MayBeTheDrug(m) => $"a {protocol.Regimen.Drug} administration",
                    _ => null,
                };
                if (what is not null)
                {
                    Add(new RecordIssue(label, $"{what} ({unread.TypeName}/{unread.Id}) {where} is not read: it may be the latest value or a dose, so the dose is held; send it as an entry of its own", false)
                    {
                        Kind = FhirIssueKinds.UnreadResource,
                        Holds = true,
                    });
                }
            }
        }

        /// <summary>A refused administration of the drug may be this patient's dose: the decision holds and names it.</summary>
        private void RefuseAdministration(string label, MedicationAdministration m, string refusal)
        {
            if (MayBeTheDrug(m))
            {
                Refused(label, $"a {protocol.Regimen.Drug} administration that may be this patient's dose is not counted: {refusal}", holds: true);
            }
            else
            {
                Refused(label, refusal);
            }
        }

        /// <summary>Whether an administration names the regimen's drug, or something that looks like it.</summary>
        private bool MayBeTheDrug(MedicationAdministration m) =>
            protocol.Regimen.Drug is { } drug && MedicationOf(m).Concept is { } concept && (IsDrug(concept, drug) || LooksLikeDrug(concept, drug));

        // ------------------------------------------------------------ observations

        private void ReadObservation(int entry, string label, Observation o)
        {
            var status = Literal(o.StatusElement);
            if (o.Code is null)
            {
                Warn(label, "Observation without a code is ignored");
                return;
            }
            var isWeight = HasLoinc(o.Code, FhirCodes.BodyWeight) || HasLoinc(o.Code, FhirCodes.BodyWeightMeasured);
            var observation = Match(o.Code, out var unclear);
            // The components of any Observation (the blood pressure panels 85354-9 and 55284-4, a vital signs panel): a
            // component's code says what it measures.
            var components = (o.Component ?? []).Select((c, i) =>
            {
                string? why = null;
                var matched = c.Code is null ? null : Match(c.Code, out why);
                return (Component: c, Index: i, Observation: matched, Unclear: why);
            }).Where(c => c.Observation is not null || c.Unclear is not null).ToList();
            if (observation is null && unclear is null && components.Count == 0 && !isWeight)
            {
                return; // not something the protocol reads
            }

            if (!Understood(entry, label, o, "an Observation the protocol reads"))
            {
                return;
            }

            if (status is "entered-in-error" or "cancelled")
            {
                Warn(label, $"status '{status}': ignored");
                return;
            }
            if (!UsedStatuses.Contains(status))
            {
                var hasValue = o.Value is not null || (o.Component ?? []).Any(c => c.Value is not null);
                if (status == "registered" && !hasValue)
                {
                    Warn(label, "status 'registered' has no result yet; ignored");
                    return;
                }
                // A value under a missing, unknown or misspelled status may be the toxic reading: never drop it
                // silently and decide on an older normal value. Hold until the record says what it is.
                Add(new RecordIssue(label,
                    $"status '{status ?? "(none)"}' is not a usable result status (final, amended, corrected, preliminary); the value is not read, so the dose is held until the record gives the result a status",
                    false)
                {
                    Kind = RecordIssueKinds.UnclearStatus,
                    Holds = true,
                });
                return;
            }
            if (!ReadTime(label, o.Effective, "effective", allowPartial: true, out var time, out var until))
            {
                return;
            }

            var unclearPart = components.FindIndex(c => c.Unclear is not null);
            if (unclear is not null || unclearPart >= 0)
            {
                // Which observation it is cannot be told: never read as one of them, never dropped quietly.
                var (path, why) = unclear is not null ? (label + ".code", unclear) : ($"{label}.component[{components[unclearPart].Index}].code", components[unclearPart].Unclear);
                Add(new RecordIssue(path, $"which observation this is cannot be told: {why}; it is not read, so the dose is held until the record codes it clearly", false)
                {
                    Kind = FhirIssueKinds.UnclearCode,
                    Holds = true,
                });
                return;
            }

            if (status == "preliminary")
            {
                Warn(label, "preliminary result: used until a final, amended or corrected result for the same reading replaces it");
            }

            var identifier = (o.Identifier ?? []).Where(i => !string.IsNullOrEmpty(i.Value)).Select(i => $"{i.System}|{i.Value}").FirstOrDefault();
            var updated = o.Meta?.LastUpdated ?? o.Issued;

            if (isWeight && observation is null)
            {
                if (ReadQuantity(label, "value", o.Value, "body weight", "g", null) is { } w)
                {
                    _weights.Add((time, w));
                }
                else if (o.Value is null)
                {
                    Warn(label, $"body weight without a value{Absent(o.DataAbsentReason)}");
                }

                return;
            }
            if (observation is not null)
            {
                var errors = issues.Count(i => i.IsError);
                AddReading(entry, label, "", observation, o.Value, o.DataAbsentReason, o.Interpretation, time, until, status!, identifier, updated);
                // The same value as the body weight: its errors are reported once.
                if (isWeight && issues.Count(i => i.IsError) == errors && ReadQuantity(label, "value", o.Value, "body weight", "g", null) is { } w)
                {
                    _weights.Add((time, w));
                }
            }
            foreach (var (component, index, componentObservation, _) in components)
            {
                AddReading(entry, label, $".component[{index}]", componentObservation!, component.Value, component.DataAbsentReason, component.Interpretation, time, until, status!, identifier, updated);
            }
        }

        private void AddReading(
            int entry, string label, string part, ObservationInfo observation, DataType? value, CodeableConcept? absent, List<CodeableConcept>? interpretation,
            DateTimeOffset time, DateTimeOffset? until, string status, string? identifier, DateTimeOffset? updated)
        {
            var path = label + part;
            if (value is null)
            {
                var reason = absent is null ? "no value and no dataAbsentReason" : $"data absent: {ConceptText(absent)}";
                issues.Add(new RecordIssue(path, $"{Title(observation)} at {Show(time)} has no value ({reason})", false)
                {
                    Code = observation.Name,
                    At = time,
                });
                return;
            }
            if (absent is not null)
            {
                Error(path, $"{Title(observation)} has both a value and a dataAbsentReason ({ConceptText(absent)}); which one holds is unclear");
                return;
            }
            RecordedObservation? reading;
            if (observation.IsYesNo)
            {
                var both = false;
                bool? flag = value switch
                {
                    FhirBoolean b => b.Value,
                    CodeableConcept c => YesNo(c, out both),
                    _ => null,
                };
                if (both)
                {
                    Error(path + ".value", $"'{observation.Name}' says both yes and no ({Describe(value)}: its codes, displays and text disagree); which one holds is unclear");
                    return;
                }
                if (flag is null)
                {
                    Error(path + ".value", $"'{observation.Name}' is a yes/no observation; expected valueBoolean or a yes/no valueCodeableConcept (SNOMED {FhirCodes.SnomedYes}/{FhirCodes.SnomedNo}), got {Describe(value)}");
                    return;
                }
                if (Contradicts(flag.Value, interpretation) is { } flagged)
                {
                    Error(path + ".interpretation", $"'{observation.Name}' is {(flag.Value ? "yes" : "no")} but interpreted as {flagged}; which one holds is unclear");
                    return;
                }

                reading = new RecordedObservation(observation.Name, time, null, flag.Value, null) { Source = path };
            }
            else
            {
                if (observation.Unit is null)
                {
                    Error(path, $"'{observation.Name}' has no declared unit to convert to");
                    return;
                }
                if (ReadQuantity(path, "value", value, Title(observation), observation.Unit, observation.MolarMass) is not { } quantity)
                {
                    return;
                }

                reading = new RecordedObservation(observation.Name, time, quantity.Value, null, quantity.Unit) { Source = path };
            }
            _readings.Add(new Reading(entry, path, observation, reading, status, identifier is null ? null : identifier + "#" + observation.Name, updated) { Until = until });
        }

        /// <summary>A quantity convertible to <paramref name="declared"/>, or null after reporting why not (never a raw value).</summary>
        private MeasuredValue? ReadQuantity(string path, string element, DataType? value, string what, string declared, double? molarMass)
        {
            if (value is not Quantity q)
            {
                if (value is not null)
                {
                    Error(path + "." + element, $"{what} needs a valueQuantity with a UCUM unit, got {Describe(value)}");
                }

                return null;
            }
            var valuePath = path + "." + element + "Quantity";
            if (q.Value is not { } number)
            {
                Error(valuePath, $"{what}: the quantity has no value");
                return null;
            }
            if (q.Comparator is { } comparator)
            {
                Error(valuePath, $"{what}: the value has a comparator ('{Literal(q.ComparatorElement)}{number.ToString(CultureInfo.InvariantCulture)}'); a bound is not a number the protocol can compare");
                return null;
            }
            string unit;
            if (!string.IsNullOrEmpty(q.Code))
            {
                if (q.System is { } system && system != FhirCodes.Ucum)
                {
                    Error(valuePath, $"{what}: unit code '{q.Code}' is from '{system}', not UCUM ({FhirCodes.Ucum})");
                    return null;
                }
                unit = q.Code;
                if (DisplayContradicts(q.Unit, q.Code))
                {
                    Error(valuePath, $"{what}: the unit is shown as '{q.Unit}' but coded '{q.Code}', another UCUM unit; which one the value is in is unclear");
                    return null;
                }
            }
            else if (!string.IsNullOrEmpty(q.Unit) && Ucum.TryParse(q.Unit, out _, out _))
            {
                unit = q.Unit;
                Warn(valuePath, $"{what}: unit given only as text '{q.Unit}'; it is a valid UCUM code and is read as one");
            }
            else
            {
                Error(valuePath, string.IsNullOrEmpty(q.Unit)
                    ? $"{what}: the quantity has no unit"
                    : $"{what}: unit '{q.Unit}' is given only as text and is not a UCUM code{Suggest(q.Unit)}");
                return null;
            }
            if (!Ucum.TryParse(unit, out var from, out var parseError))
            {
                Error(valuePath, $"{what}: '{unit}' is not a valid UCUM unit: {parseError}{Suggest(unit)}");
                return null;
            }
            if (ConversionError(from, declared, molarMass) is { } conversionError)
            {
                Error(valuePath, $"{what} in '{unit}' cannot be converted to {declared}: {conversionError}");
                return null;
            }
            var asDouble = (double)number;
            if (!double.IsFinite(asDouble))
            {
                Error(valuePath, $"{what}: the value is not a finite number");
                return null;
            }
            return new MeasuredValue(asDouble, unit);
        }

        // Whether a unit converts to a declared one, worked out once per pair (exact arithmetic): units are few, readings many.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(UcumUnit From, string To, double? MolarMass), string> Conversions = new();

        /// <summary>Why <paramref name="from"/> does not convert to <paramref name="declared"/>; null when it does.</summary>
        private static string? ConversionError(UcumUnit from, string declared, double? molarMass)
        {
            var key = (from, declared, molarMass);
            if (Conversions.TryGetValue(key, out var known))
            {
                return known.Length == 0 ? null : known;
            }

            string? error = null;
            var converts = Ucum.TryParse(declared, out var to, out _) && Ucum.TryGetConversion(from, to, molarMass, out _, out error);
            var result = converts ? "" : error ?? "unknown unit";
            // Bounded: the units come from requests (the parsed units themselves are bounded the same way in Ucum).
            if (Conversions.Count < 10_000)
            {
                Conversions.TryAdd(key, result);
            }

            return converts ? null : result;
        }

        /// <summary>
        /// Whether a quantity's display unit is itself a UCUM unit that is not its code's (<c>mg/dL</c> shown, <c>umol/L</c>
        /// coded): one of them is wrong. A display that is no UCUM unit (<c>mmHg</c>, <c>10^3/uL</c>, <c>beats/min</c>) is
        /// free text and contradicts nothing.
        /// </summary>
        private static bool DisplayContradicts(string? display, string code)
        {
            if (string.IsNullOrWhiteSpace(display) || display.Trim() == code || !Ucum.TryParse(display.Trim(), out var shown, out _) || !Ucum.TryParse(code, out var coded, out _))
            {
                return false;
            }

            return !Ucum.TryGetConversion(shown, coded, null, out var conversion, out _) || conversion.Offset != 0 || Math.Abs(conversion.Factor - 1) > 1e-9;
        }

        private static string Suggest(string unit) => Ucum.SuggestionFor(unit) is { } s ? $" (did you mean '{s}'?)" : "";

        private List<RecordedObservation> ResolveAmendments()
        {
            var dropped = new HashSet<Reading>();
            var groups = _readings.GroupBy(r => r.Identifier ?? $"{r.Observation.Name}@{r.Value.At.UtcTicks}");
            foreach (var group in groups)
            {
                var members = group.ToList();
                if (members.Count < 2)
                {
                    continue;
                }

                var amended = members.Any(m => m.Status is "amended" or "corrected");
                var preliminaryReplaced = members.Any(m => m.Status == "preliminary") && members.Any(m => m.Status != "preliminary");
                if (!amended && !preliminaryReplaced)
                {
                    continue;
                }

                // An amendment supersedes the final result it amends, and a final result the preliminary one, whatever the
                // bundle order; among equals the latest update wins. A superseded result updated after its successor, or
                // with a time when its successor has none, contradicts that order or leaves it unchecked: which one is
                // current cannot be told, so none is read.
                static int Rank(Reading r) => r.Status switch { "amended" or "corrected" => 2, "preliminary" => 0, _ => 1 };
                var winner = members.OrderBy(Rank).ThenBy(m => m.Updated ?? DateTimeOffset.MinValue).ThenBy(m => m.Entry).Last();
                if (members.FirstOrDefault(m => Rank(m) < Rank(winner) && m.Updated is { } u && !(winner.Updated >= u)) is { } later)
                {
                    dropped.UnionWith(members);
                    Add(new RecordIssue(winner.Label,
                        $"the {winner.Status} result would supersede the {later.Status} result {later.Label}, yet that one was updated {(winner.Updated is { } w ? $"later ({Show(later.Updated!.Value)} after {Show(w)})" : $"at {Show(later.Updated!.Value)} and this one has no update time")}; which one is current cannot be told, so neither is read and the dose is held",
                        false)
                    {
                        Kind = RecordIssueKinds.UnclearStatus,
                        Holds = true,
                    });
                    continue;
                }
                foreach (var m in members.Where(m => m != winner))
                {
                    dropped.Add(m);
                    Warn(m.Label, $"superseded by the {winner.Status} result {winner.Label}");
                }
            }
            var kept = _readings.Where(r => !dropped.Contains(r)).ToList();
            CheckPartialTimes(kept);
            return [.. kept.OrderBy(r => r.Value.At.UtcTicks).ThenBy(r => r.Entry).Select(r => r.Value)];
        }

        /// <summary>
        /// A reading known only to the day (month, year) is placed at the start of its period, so it never counts as recent;
        /// but when its period reaches past the latest fully timed reading of the same observation, it may be the latest
        /// value (an SBP of 84 charted "2026-03-03" beside a 118 at 05:00): the dose holds.
        /// </summary>
        private void CheckPartialTimes(List<Reading> kept)
        {
            foreach (var partial in kept.Where(r => r.Until is not null && (at is null || r.Value.At <= at)))
            {
                var latest = kept.Where(r => r.Until is null && r.Observation == partial.Observation && (at is null || r.Value.At <= at))
                    .Select(r => (DateTimeOffset?)r.Value.At).Max();
                if (latest is { } full && partial.Until > full)
                {
                    Add(new RecordIssue(partial.Label,
                        $"{Title(partial.Observation)} known only to the day, month or year may be later than the latest timed one ({Show(full)}): it could be the latest value, so the dose is held until the record gives its time",
                        false)
                    {
                        Kind = FhirIssueKinds.UnclearTime,
                        Holds = true,
                    });
                }
            }
        }

        // ------------------------------------------------------------ doses and events

        /// <summary>The medication's concept (inline, or the referenced Medication's code, or the reference's display), and a
        /// note when a referenced Medication is not in the bundle.</summary>
        private (CodeableConcept? Concept, string? Unresolved) MedicationOf(MedicationAdministration m)
        {
            switch (m.Medication)
            {
                case CodeableConcept c:
                    return (c, null);
                case ResourceReference r:
                    if (Resolve(r) is Medication { Code: { } code })
                    {
                        return (code, null);
                    }

                    if (!string.IsNullOrWhiteSpace(r.Display))
                    {
                        return (new CodeableConcept { Text = r.Display }, null);
                    }

                    return (null, Resolve(r) is Medication ? "the referenced Medication has no code" : $"medication '{r.Reference}' is not in the bundle");
                default:
                    return (null, "it names no medication");
            }
        }

        private bool IsDrug(CodeableConcept concept, string drug) =>
            HasDeclaredCode(concept, protocol.Regimen.DrugCodes) || Names(concept).Any(n => DrugNames.Names(n, drug));

        private static bool LooksLikeDrug(CodeableConcept concept, string drug) => Names(concept).Any(n => DrugNames.LooksLike(n, drug));

        private void ReadAdministration(int entry, string label, MedicationAdministration m)
        {
            if (protocol.Regimen.Drug is not { } drug)
            {
                return;
            }

            var (concept, unresolved) = MedicationOf(m);
            if (concept is null)
            {
                // It may be a dose of the drug that would go uncounted: hold until the bundle says what it is.
                Add(new RecordIssue(label, $"administration whose medication cannot be told ({unresolved}); it may be {drug}, so it is not read as no dose", false)
                {
                    Kind = RecordIssueKinds.DrugLookalike,
                    Holds = true,
                });
                return;
            }
            if (!IsDrug(concept, drug))
            {
                if (protocol.Regimen.DrugCodes.IsDefaultOrEmpty && string.IsNullOrWhiteSpace(concept.Text) && (concept.Coding ?? []).All(c => string.IsNullOrWhiteSpace(c.Display)))
                {
                    // Only codes, and the protocol declares none for the drug (the shipped protocols do not), so no code can
                    // say what it is: it may be the drug. A protocol that declares codes identifies the drug by them.
                    var codes = string.Join(", ", (concept.Coding ?? []).Select(c => $"{c.System}|{c.Code}"));
                    Add(new RecordIssue(label, $"administration whose medication is given only by code ({(codes.Length == 0 ? "none" : codes)}), and the protocol declares no code for {drug}; it may be {drug}, so it is not read as no dose", false)
                    {
                        Kind = RecordIssueKinds.DrugLookalike,
                        Holds = true,
                    });
                    return;
                }
                if (LooksLikeDrug(concept, drug))
                {
                    Add(new RecordIssue(label,
                        $"medication '{ConceptText(concept)}' looks like {drug} but matches neither its names ({string.Join(", ", DrugNames.NamesOf(drug))}) nor its declared codes; it is not counted as a dose, so the dose is held until the record names the drug",
                        false)
                    {
                        Kind = RecordIssueKinds.DrugLookalike,
                        Holds = true,
                    });
                }
                return;
            }
            if (!Understood(entry, label, m, $"a {drug} administration"))
            {
                return;
            }

            var status = Literal(m.StatusElement);
            if (status == "entered-in-error")
            {
                Warn(label, $"{drug} administration with status 'entered-in-error' is ignored");
                return;
            }
            var doseStatus = status switch
            {
                "completed" => DoseStatus.Given,
                "not-done" when (m.StatusReason ?? []).Any(r => (r.Coding ?? []).Any(c => c.System == FhirCodes.Il2 && c.Code == FhirCodes.NotGivenReason)) => DoseStatus.NotGiven,
                "not-done" => DoseStatus.Held,
                // in-progress, on-hold, stopped, unknown, none, anything else: the record does not say the dose is over.
                _ => DoseStatus.MayBeRunning,
            };
            var effective = m.Effective is Period period ? (DataType?)(period.StartElement ?? period.EndElement) : m.Effective;
            if (!ReadTime(label, effective, "effective", allowPartial: false, out var time, out _))
            {
                return;
            }

            MeasuredValue? amount = m.Dosage?.Dose is { Value: { } value, Code: { Length: > 0 } code } && Ucum.TryParse(code, out _, out _)
                ? new MeasuredValue((double)value, code)
                : null;
            var dose = new RecordedDose(time, doseStatus, amount);
            if (doseStatus == DoseStatus.MayBeRunning)
            {
                dose = dose with { SourceStatus = status ?? "(none)", Source = label };
                Add(new RecordIssue(label, $"{drug} administration with status '{status ?? "(none)"}' at {Show(time)}: the dose may be running, paused or partly given; it is never read as no dose (the dose is held)", false)
                {
                    Kind = RecordIssueKinds.DoseMayBeRunning,
                });
            }
            if (at is { } decisionTime && time > decisionTime && doseStatus is DoseStatus.Given or DoseStatus.MayBeRunning)
            {
                dose = dose with { Source = label };
                Add(new RecordIssue(label, $"{drug} administration at {Show(time)} is after the decision time {Show(decisionTime)} (clock skew?); it is treated as a dose that may be running (the dose is held)", false)
                {
                    Kind = RecordIssueKinds.DoseAfterDecisionTime,
                });
            }
            _doses.Add((entry, dose));
        }

        private void ReadProcedure(int entry, string label, Procedure p)
        {
            if (p.Code is null)
            {
                return;
            }

            var names = Names(p.Code).ToList();
            // Every event its codes or names say it is: a procedure coded as one event and named as another (a TIL
            // infusion shown as a cycle start) cannot be told apart, and the first match won.
            var types = protocol.Events.Where(e => HasDeclaredCode(p.Code, e.Codes)).Select(e => e.Name)
                .Concat(protocol.Events.Select(e => e.Name).Append(Evaluation.PatientSnapshot.CycleStartEvent).Append(Evaluation.CourseAssessment.CourseStopEvent)
                    .Where(e => names.Any(n => string.Equals(n, e, StringComparison.OrdinalIgnoreCase))))
                .Distinct(StringComparer.Ordinal).ToList();
            if (types.Count == 0)
            {
                return;
            }

            if (types.Count > 1)
            {
                Add(new RecordIssue(label, $"the procedure's codes and names say it is {string.Join(" and ", types.Select(t => $"'{t}'"))}: which event it is cannot be told, so it is not read, and the dose is held", false)
                {
                    Kind = FhirIssueKinds.UnclearCode,
                    Holds = true,
                });
                return;
            }

            var type = types[0];

            if (!Understood(entry, label, p, $"a '{type}' procedure"))
            {
                return;
            }

            var status = Literal(p.StatusElement);
            if (status is not ("completed" or "in-progress"))
            {
                Warn(label, $"'{type}' procedure with status '{status ?? "(none)"}' is ignored");
                return;
            }
            var performed = p.Performed is Period period ? (DataType?)(period.StartElement ?? period.EndElement) : p.Performed;
            if (!ReadTime(label, performed, "performed", allowPartial: false, out var time, out _))
            {
                return;
            }

            _events.Add((entry, new RecordedEvent(type, time)));
        }

        private Resource? Resolve(ResourceReference reference)
        {
            if (reference.Reference is not { } text)
            {
                return null;
            }

            if (_byFullUrl.TryGetValue(text, out var index))
            {
                return bundle.Entry[index].Resource;
            }

            return bundle.Entry.Select(e => e.Resource).FirstOrDefault(r => r is not null && $"{r.TypeName}/{r.Id}" == text);
        }

        // ------------------------------------------------------------ helpers

        /// <param name="until">For a partial time: the latest instant it could be (the end of its period at the latest offset, UTC-12:00).</param>
        private bool ReadTime(string label, DataType? element, string name, bool allowPartial, out DateTimeOffset time, out DateTimeOffset? until)
        {
            time = default;
            until = null;
            string? text = element switch
            {
                FhirDateTime d => d.Value,
                Instant i => i.Value is { } v ? FhirTime.Format(v) : null,
                Period p => p.End ?? p.Start,
                Date d => d.Value,
                _ => null,
            };
            var path = label + "." + name + element switch
            {
                FhirDateTime => "DateTime",
                Instant => "Instant",
                Period p => p.End is not null ? "Period.end" : "Period.start",
                _ => "",
            };
            if (text is null)
            {
                Error(path, element is null ? $"no {name} time" : $"{name} time as {element.TypeName} is not supported; use a dateTime or a period");
                return false;
            }
            if (!FhirTime.TryParse(text, out time, out var partial, out var error))
            {
                Error(path, error);
                return false;
            }
            if (partial)
            {
                if (!allowPartial)
                {
                    Error(path, $"'{text}' is known only to the day, month or year; a dose or event needs its time of day");
                    return false;
                }
                Warn(path, $"'{text}' is known only to the day, month or year; read as {Show(time)}, the start of that period (UTC+14:00), so it cannot count as recent");
                var first = time.DateTime; // the period's first local midnight
                until = new DateTimeOffset(text.Length switch { 4 => first.AddYears(1), 7 => first.AddMonths(1), _ => first.AddDays(1) }, TimeSpan.FromHours(-12));
            }
            return true;
        }

        private ObservationInfo? Match(CodeableConcept code) => Match(code, out _);

        /// <summary>
        /// The protocol observation the concept names (by a LOINC coding, else by a name), or null. <paramref name="unclear"/>
        /// says why it cannot be told when the concept names several observations (two LOINC codes, a LOINC code and
        /// another observation's name), or names one only by a protocol LOINC code under a system that is not exactly
        /// LOINC's (<c>http://loinc.org/</c>, https, LOINC's OID, none): then null is returned, and the caller holds.
        /// </summary>
        private ObservationInfo? Match(CodeableConcept code, out string? unclear)
        {
            unclear = null;
            var lookup = Lookups.Of(protocol);
            ObservationInfo? byCode = null;
            List<(ObservationInfo Observation, string How)>? named = null;
            string? notLoinc = null;
            foreach (var coding in code.Coding ?? [])
            {
                if (coding.Code?.Trim() is not { Length: > 0 } loinc || !lookup.ByLoinc.TryGetValue(loinc, out var o))
                {
                    continue;
                }

                if (coding.System == FhirCodes.Loinc)
                {
                    byCode ??= o;
                    (named ??= []).Add((o, $"LOINC {loinc}"));
                }
                else
                {
                    notLoinc ??= $"code '{loinc}' (LOINC for {o.Name}) is under the system '{coding.System ?? "(none)"}', not {FhirCodes.Loinc}";
                    (named ??= []).Add((o, $"'{coding.System ?? "(no system)"}|{loinc}'"));
                }
            }
            // The first observation (in the protocol's order) whose name is one of the concept's names.
            (int Index, ObservationInfo Observation)? first = null;
            foreach (var name in Names(code))
            {
                if (lookup.ByName.TryGetValue(name, out var byName))
                {
                    (named ??= []).Add((byName.Observation, $"the name '{name}'"));
                    if (first is null || byName.Index < first.Value.Index)
                    {
                        first = byName;
                    }
                }
            }
            if (named is null)
            {
                return null;
            }

            var distinct = named.Select(n => n.Observation).Distinct().Count();
            if (distinct > 1)
            {
                unclear = $"its codes name different observations ({string.Join(", ", named.Select(n => $"{n.Observation.Name} by {n.How}"))})";
                return null;
            }
            if (byCode is null && first is null)
            {
                unclear = notLoinc;
                return null;
            }
            return byCode ?? first?.Observation;
        }

        private static bool HasLoinc(CodeableConcept code, string loinc) =>
            (code.Coding ?? []).Any(c => c.System == FhirCodes.Loinc && c.Code == loinc);

        /// <summary>
        /// Whether a coding of the concept is one of the declared codes: <c>system|code</c> matches that system and code,
        /// a bare code matches that code in any system (both compared exactly, as FHIR codes are case-sensitive).
        /// </summary>
        private static bool HasDeclaredCode(CodeableConcept concept, ImmutableArray<string> declared)
        {
            if (declared.IsDefaultOrEmpty)
            {
                return false;
            }

            foreach (var coding in concept.Coding ?? [])
            {
                if (string.IsNullOrWhiteSpace(coding.Code))
                {
                    continue;
                }

                var code = coding.Code.Trim();
                var system = coding.System?.Trim();
                foreach (var entry in declared)
                {
                    var bar = entry.IndexOf('|', StringComparison.Ordinal);
                    if (bar < 0 ? entry == code : system is not null && entry[..bar] == system && entry[(bar + 1)..] == code)
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        /// <summary>The words a concept goes by: its text, and each coding's code and display.</summary>
        private static IEnumerable<string> Names(CodeableConcept concept)
        {
            if (!string.IsNullOrWhiteSpace(concept.Text))
            {
                yield return concept.Text.Trim();
            }

            foreach (var coding in concept.Coding ?? [])
            {
                if (!string.IsNullOrWhiteSpace(coding.Code) && coding.System != FhirCodes.Loinc && coding.System != FhirCodes.Snomed)
                {
                    yield return coding.Code.Trim();
                }

                if (!string.IsNullOrWhiteSpace(coding.Display))
                {
                    yield return coding.Display.Trim();
                }
            }
        }

        /// <summary>
        /// The interpretation that contradicts a yes/no value (HL7 v3 ObservationInterpretation): "no" interpreted as
        /// abnormal, positive or detected, or "yes" as normal, negative or not detected. Null when none does.
        /// </summary>
        private static string? Contradicts(bool yes, List<CodeableConcept>? interpretation)
        {
            foreach (var coding in (interpretation ?? []).SelectMany(c => c.Coding ?? []))
            {
                if (coding.System != FhirCodes.Interpretation || coding.Code is not { } code)
                {
                    continue;
                }

                var contradicts = yes ? code is "N" or "NEG" or "ND" : code is "A" or "AA" or "H" or "HH" or "HU" or "L" or "LL" or "LU" or "POS" or "DET";
                if (contradicts)
                {
                    return $"'{code}'{(coding.Display is { Length: > 0 } display ? $" ({display})" : "")}";
                }
            }
            return null;
        }

        /// <summary>
        /// Yes or no: SNOMED 373066001 / 373067005, else the text yes/no; null when neither. <paramref name="both"/>: its
        /// SNOMED codes, text and coding displays say both (a SNOMED no displayed "Yes"), which is never read as either.
        /// </summary>
        private static bool? YesNo(CodeableConcept concept, out bool both)
        {
            bool? coded = null;
            bool yes = false, no = false;
            void Say(bool value) => _ = value ? yes = true : no = true;
            static bool? Word(string? text) => text?.Trim().ToLowerInvariant() switch
            {
                "yes" => true,
                "no" => false,
                _ => null,
            };
            foreach (var coding in concept.Coding ?? [])
            {
                bool? code = coding.System == FhirCodes.Snomed ? coding.Code switch { FhirCodes.SnomedYes => true, FhirCodes.SnomedNo => false, _ => null } : null;
                if (code is { } c)
                {
                    coded ??= c;
                    Say(c);
                }
                if (Word(coding.Display) is { } d)
                {
                    Say(d);
                }
            }
            var text = Word(concept.Text);
            if (text is { } t)
            {
                Say(t);
            }

            both = yes && no;
            return both ? null : coded ?? text;
        }

        private static string Absent(CodeableConcept? reason) => reason is null ? "" : $" (data absent: {ConceptText(reason)})";

        private static string ConceptText(CodeableConcept concept)
        {
            var coding = concept.Coding?.FirstOrDefault();
            var words = new[] { concept.Text, coding?.Display, coding?.Code }.Where(w => !string.IsNullOrWhiteSpace(w)).Distinct().ToList();
            return words.Count == 0 ? "no reason given" : string.Join(" — ", words);
        }

        private static string Describe(DataType value) => value switch
        {
            Quantity q => $"a quantity {q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Code ?? q.Unit}",
            FhirBoolean b => $"valueBoolean {b.Value}",
            CodeableConcept c => $"a codeable concept '{ConceptText(c)}'",
            _ => $"a {value.TypeName}",
        };

        private static string Title(ObservationInfo o) => string.IsNullOrWhiteSpace(o.Title) ? o.Name : $"{o.Name} ({o.Title})";

        private static string Show(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

        /// <summary>A code's FHIR literal (<c>entered-in-error</c>); a literal the enum does not know stays as written, so it can be reported.</summary>
        private static string? Literal<T>(Code<T>? code) where T : struct, Enum =>
            code is null ? null
            : code.Value is { } known ? known.GetLiteral()
            : code.JsonValue is string { Length: > 0 } raw ? raw : null;
    }

    /// <summary>A protocol's observations by LOINC code and by name, made once per protocol (not per request).</summary>
    private sealed class Lookups
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProtocolInfo, Lookups> Made = new();

        private Lookups(ProtocolInfo protocol)
        {
            for (var i = 0; i < protocol.Observations.Length; i++)
            {
                var o = protocol.Observations[i];
                foreach (var code in o.Codes)
                {
                    // The first observation that declares the code, as a search in the protocol's order finds it.
                    ByLoinc.TryAdd(code, o);
                }
                ByName.TryAdd(o.Name, (i, o));
            }
        }

        public Dictionary<string, ObservationInfo> ByLoinc { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (int Index, ObservationInfo Observation)> ByName { get; } = new(StringComparer.Ordinal);

        public static Lookups Of(ProtocolInfo protocol) => Made.GetValue(protocol, p => new Lookups(p));
    }
}
