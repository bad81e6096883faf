using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// The fast way into <see cref="FhirBundleReader"/>: builds the Firely objects the reader reads straight from one
/// <see cref="JsonDocument"/>, for bundles made only of what the reader needs, in exactly the form FHIR R4 gives it.
/// Anything else — an element not listed here, an extension, a value of another type or an invalid format, an empty
/// string or array, a repeated name, a choice given twice, a missing required element, a resource type not read —
/// returns null, and the bundle is read the full way (shape checks, then the Firely deserializer in recoverable mode),
/// which reports it. So this path decides nothing by itself: it accepts only input on which the Firely deserializer
/// reports no problem, and hands the reader the same objects (the differential tests in IlTwo.Runtime.Fhir.Tests check
/// both paths agree on every fixture and on single-element mutations of them).
/// </summary>
internal static partial class FhirFastBundle
{
    /// <summary>The bundle as Firely objects, or null when it must be read the full way.</summary>
    public static Bundle? TryRead(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = FhirShape.MaxDepth });
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            try
            {
                return ReadBundle(document.RootElement);
            }
            catch (NotFastException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// The bundle <see cref="FhirBundleParts.Merge"/> would write for these parts, as Firely objects, or null when it must
    /// be read the full way: the same as <see cref="TryRead(ReadOnlyMemory{byte})"/> of the merged text, without writing
    /// and parsing it again.
    /// </summary>
    public static Bundle? TryRead(IReadOnlyList<JsonElement> parts, string? fhirServer)
    {
        try
        {
            var entries = new List<Bundle.EntryComponent>();
            foreach (var part in FhirBundleParts.Entries(parts, fhirServer))
            {
                entries.Add(part.Entry is { } entry
                    ? ReadEntry(entry)
                    : new Bundle.EntryComponent { FullUrl = part.FullUrl is { } url ? Uri(url) : null, Resource = ReadResource(part.Resource) });
            }
            // The merged bundle's "entry" would be an empty array, which is not valid FHIR.
            if (entries.Count == 0)
            {
                throw NotFast();
            }

            return new Bundle { Type = Bundle.BundleType.Collection, Entry = entries };
        }
        catch (NotFastException)
        {
            return null;
        }
    }

    /// <summary>Thrown anywhere below to leave the fast path; caught only in the <c>TryRead</c> methods.</summary>
    private sealed class NotFastException : Exception
    {
    }

    private static NotFastException NotFast() => new();

    private static Bundle ReadBundle(JsonElement e)
    {
        var bundle = new Bundle();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "resourceType":
                    seen.Once(0);
                    Expect(p.Value, "Bundle");
                    break;
                case "id":
                    seen.Once(1);
                    bundle.Id = Id(p.Value);
                    break;
                case "type":
                    seen.Once(2);
                    bundle.Type = Enum<Bundle.BundleType>(p.Value);
                    break;
                case "entry":
                    seen.Once(3);
                    bundle.Entry = [.. Array(p.Value).Select(ReadEntry)];
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(0, 2, 3);
        return bundle;
    }

    private static Bundle.EntryComponent ReadEntry(JsonElement e)
    {
        var entry = new Bundle.EntryComponent();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "fullUrl":
                    seen.Once(0);
                    entry.FullUrl = Uri(p.Value);
                    break;
                case "resource":
                    seen.Once(1);
                    entry.Resource = ReadResource(p.Value);
                    break;
                case "request":
                    seen.Once(2);
                    entry.Request = ReadRequest(p.Value);
                    break;
                case "search":
                    seen.Once(3);
                    entry.Search = ReadSearch(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(1);
        return entry;
    }

    private static Bundle.RequestComponent ReadRequest(JsonElement e)
    {
        var request = new Bundle.RequestComponent();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "method":
                    seen.Once(0);
                    request.Method = Enum<Bundle.HTTPVerb>(p.Value);
                    break;
                case "url":
                    seen.Once(1);
                    request.Url = Uri(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(0, 1);
        return request;
    }

    private static Bundle.SearchComponent ReadSearch(JsonElement e)
    {
        var search = new Bundle.SearchComponent();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "mode":
                    seen.Once(0);
                    search.Mode = Enum<Bundle.SearchEntryMode>(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(0);
        return search;
    }

    private static Resource ReadResource(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw NotFast();
        }

        return type.GetString() switch
        {
            "Patient" => ReadPatient(e),
            "Observation" => ReadObservation(e),
            "MedicationAdministration" => ReadAdministration(e),
            "Procedure" => ReadProcedure(e),
            "Medication" => ReadMedication(e),
            _ => throw NotFast(),
        };
    }

    // ------------------------------------------------------------ resources

    /// <summary>The elements every resource here may carry: resourceType (already dispatched on), id, meta.</summary>
    private static bool Common(JsonProperty p, Resource resource, ref Seen seen)
    {
        switch (p.Name)
        {
            case "resourceType":
                seen.Once(0);
                return true;
            case "id":
                seen.Once(1);
                resource.Id = Id(p.Value);
                return true;
            case "meta":
                seen.Once(2);
                resource.Meta = ReadMeta(p.Value);
                return true;
            default:
                return false;
        }
    }

    private static Patient ReadPatient(JsonElement e)
    {
        var patient = new Patient();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            if (Common(p, patient, ref seen))
            {
                continue;
            }

            switch (p.Name)
            {
                case "identifier":
                    seen.Once(3);
                    patient.Identifier = [.. Array(p.Value).Select(ReadIdentifier)];
                    break;
                case "active":
                    seen.Once(4);
                    patient.Active = Boolean(p.Value);
                    break;
                case "gender":
                    seen.Once(5);
                    patient.Gender = Enum<AdministrativeGender>(p.Value);
                    break;
                case "birthDate":
                    seen.Once(6);
                    patient.BirthDate = Matching(p.Value, DatePattern());
                    break;
                case "name":
                    seen.Once(7);
                    patient.Name = [.. Array(p.Value).Select(ReadName)];
                    break;
                default:
                    throw NotFast();
            }
        }
        return patient;
    }

    private static Observation ReadObservation(JsonElement e)
    {
        var o = new Observation();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            if (Common(p, o, ref seen))
            {
                continue;
            }

            switch (p.Name)
            {
                case "identifier":
                    seen.Once(3);
                    o.Identifier = [.. Array(p.Value).Select(ReadIdentifier)];
                    break;
                case "status":
                    seen.Once(4);
                    o.Status = Enum<ObservationStatus>(p.Value);
                    break;
                case "category":
                    seen.Once(5);
                    o.Category = [.. Array(p.Value).Select(ReadConcept)];
                    break;
                case "code":
                    seen.Once(6);
                    o.Code = ReadConcept(p.Value);
                    break;
                case "subject":
                    seen.Once(7);
                    o.Subject = ReadReference(p.Value);
                    break;
                case "effectiveDateTime":
                    seen.Once(8);
                    o.Effective = DateTime(p.Value);
                    break;
                case "effectivePeriod":
                    seen.Once(8);
                    o.Effective = ReadPeriod(p.Value);
                    break;
                case "effectiveInstant":
                    seen.Once(8);
                    o.Effective = Instant(p.Value);
                    break;
                case "issued":
                    seen.Once(9);
                    o.IssuedElement = Instant(p.Value);
                    break;
                case "valueQuantity":
                    seen.Once(10);
                    o.Value = ReadQuantity(p.Value);
                    break;
                case "valueBoolean":
                    seen.Once(10);
                    o.Value = new FhirBoolean(Boolean(p.Value));
                    break;
                case "valueCodeableConcept":
                    seen.Once(10);
                    o.Value = ReadConcept(p.Value);
                    break;
                case "dataAbsentReason":
                    seen.Once(11);
                    o.DataAbsentReason = ReadConcept(p.Value);
                    break;
                case "component":
                    seen.Once(12);
                    o.Component = [.. Array(p.Value).Select(ReadComponent)];
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(4, 6);
        return o;
    }

    private static Observation.ComponentComponent ReadComponent(JsonElement e)
    {
        var c = new Observation.ComponentComponent();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "code":
                    seen.Once(0);
                    c.Code = ReadConcept(p.Value);
                    break;
                case "valueQuantity":
                    seen.Once(1);
                    c.Value = ReadQuantity(p.Value);
                    break;
                case "valueBoolean":
                    seen.Once(1);
                    c.Value = new FhirBoolean(Boolean(p.Value));
                    break;
                case "valueCodeableConcept":
                    seen.Once(1);
                    c.Value = ReadConcept(p.Value);
                    break;
                case "dataAbsentReason":
                    seen.Once(2);
                    c.DataAbsentReason = ReadConcept(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(0);
        return c;
    }

    private static MedicationAdministration ReadAdministration(JsonElement e)
    {
        var m = new MedicationAdministration();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            if (Common(p, m, ref seen))
            {
                continue;
            }

            switch (p.Name)
            {
                case "identifier":
                    seen.Once(3);
                    m.Identifier = [.. Array(p.Value).Select(ReadIdentifier)];
                    break;
                case "status":
                    seen.Once(4);
                    m.Status = Enum<MedicationAdministration.MedicationAdministrationStatusCodes>(p.Value);
                    break;
                case "statusReason":
                    seen.Once(5);
                    m.StatusReason = [.. Array(p.Value).Select(ReadConcept)];
                    break;
                case "medicationCodeableConcept":
                    seen.Once(6);
                    m.Medication = ReadConcept(p.Value);
                    break;
                case "medicationReference":
                    seen.Once(6);
                    m.Medication = ReadReference(p.Value);
                    break;
                case "subject":
                    seen.Once(7);
                    m.Subject = ReadReference(p.Value);
                    break;
                case "effectiveDateTime":
                    seen.Once(8);
                    m.Effective = DateTime(p.Value);
                    break;
                case "effectivePeriod":
                    seen.Once(8);
                    m.Effective = ReadPeriod(p.Value);
                    break;
                case "dosage":
                    seen.Once(9);
                    m.Dosage = ReadDosage(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(4, 6, 7, 8);
        return m;
    }

    private static MedicationAdministration.DosageComponent ReadDosage(JsonElement e)
    {
        var d = new MedicationAdministration.DosageComponent();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "text":
                    seen.Once(0);
                    d.Text = String(p.Value);
                    break;
                case "route":
                    seen.Once(1);
                    d.Route = ReadConcept(p.Value);
                    break;
                case "dose":
                    seen.Once(2);
                    d.Dose = ReadQuantity(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return d;
    }

    private static Procedure ReadProcedure(JsonElement e)
    {
        var procedure = new Procedure();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            if (Common(p, procedure, ref seen))
            {
                continue;
            }

            switch (p.Name)
            {
                case "identifier":
                    seen.Once(3);
                    procedure.Identifier = [.. Array(p.Value).Select(ReadIdentifier)];
                    break;
                case "status":
                    seen.Once(4);
                    procedure.Status = Enum<EventStatus>(p.Value);
                    break;
                case "code":
                    seen.Once(5);
                    procedure.Code = ReadConcept(p.Value);
                    break;
                case "subject":
                    seen.Once(6);
                    procedure.Subject = ReadReference(p.Value);
                    break;
                case "performedDateTime":
                    seen.Once(7);
                    procedure.Performed = DateTime(p.Value);
                    break;
                case "performedPeriod":
                    seen.Once(7);
                    procedure.Performed = ReadPeriod(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(4, 6);
        return procedure;
    }

    private static Medication ReadMedication(JsonElement e)
    {
        var medication = new Medication();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            if (Common(p, medication, ref seen))
            {
                continue;
            }

            switch (p.Name)
            {
                case "code":
                    seen.Once(3);
                    medication.Code = ReadConcept(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return medication;
    }

    // ------------------------------------------------------------ data types

    private static Meta ReadMeta(JsonElement e)
    {
        var meta = new Meta();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "versionId":
                    seen.Once(0);
                    meta.VersionId = Id(p.Value);
                    break;
                case "lastUpdated":
                    seen.Once(1);
                    meta.LastUpdatedElement = Instant(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return meta;
    }

    private static Identifier ReadIdentifier(JsonElement e)
    {
        var identifier = new Identifier();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "system":
                    seen.Once(0);
                    identifier.System = Uri(p.Value);
                    break;
                case "value":
                    seen.Once(1);
                    identifier.Value = String(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return identifier;
    }

    private static HumanName ReadName(JsonElement e)
    {
        var name = new HumanName();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "text":
                    seen.Once(0);
                    name.Text = String(p.Value);
                    break;
                case "family":
                    seen.Once(1);
                    name.Family = String(p.Value);
                    break;
                case "given":
                    seen.Once(2);
                    name.Given = [.. Array(p.Value).Select(String)];
                    break;
                default:
                    throw NotFast();
            }
        }
        return name;
    }

    private static ResourceReference ReadReference(JsonElement e)
    {
        var reference = new ResourceReference();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "reference":
                    seen.Once(0);
                    reference.Reference = String(p.Value);
                    break;
                case "display":
                    seen.Once(1);
                    reference.Display = String(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        seen.Require(0);
        return reference;
    }

    private static CodeableConcept ReadConcept(JsonElement e)
    {
        var concept = new CodeableConcept();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "coding":
                    seen.Once(0);
                    concept.Coding = [.. Array(p.Value).Select(ReadCoding)];
                    break;
                case "text":
                    seen.Once(1);
                    concept.Text = String(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return concept;
    }

    private static Coding ReadCoding(JsonElement e)
    {
        var coding = new Coding();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "system":
                    seen.Once(0);
                    coding.System = Uri(p.Value);
                    break;
                case "version":
                    seen.Once(1);
                    coding.Version = String(p.Value);
                    break;
                case "code":
                    seen.Once(2);
                    coding.Code = Matching(p.Value, CodePattern());
                    break;
                case "display":
                    seen.Once(3);
                    coding.Display = String(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return coding;
    }

    private static Quantity ReadQuantity(JsonElement e)
    {
        var quantity = new Quantity();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "value":
                    seen.Once(0);
                    quantity.Value = Decimal(p.Value);
                    break;
                case "comparator":
                    seen.Once(1);
                    quantity.Comparator = Enum<Quantity.QuantityComparator>(p.Value);
                    break;
                case "unit":
                    seen.Once(2);
                    quantity.Unit = String(p.Value);
                    break;
                case "system":
                    seen.Once(3);
                    quantity.System = Uri(p.Value);
                    break;
                case "code":
                    seen.Once(4);
                    quantity.Code = Matching(p.Value, CodePattern());
                    break;
                default:
                    throw NotFast();
            }
        }
        return quantity;
    }

    private static Period ReadPeriod(JsonElement e)
    {
        var period = new Period();
        var seen = new Seen();
        foreach (var p in Object(e))
        {
            switch (p.Name)
            {
                case "start":
                    seen.Once(0);
                    period.StartElement = DateTime(p.Value);
                    break;
                case "end":
                    seen.Once(1);
                    period.EndElement = DateTime(p.Value);
                    break;
                default:
                    throw NotFast();
            }
        }
        return period;
    }

    // ------------------------------------------------------------ JSON shapes and primitives

    /// <summary>A non-empty object's members (an empty object is not valid FHIR).</summary>
    private static JsonElement.ObjectEnumerator Object(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw NotFast();
        }

        var members = e.EnumerateObject();
        if (!e.EnumerateObject().MoveNext())
        {
            throw NotFast();
        }

        return members;
    }

    /// <summary>A non-empty array's items (an empty array is not valid FHIR).</summary>
    private static JsonElement.ArrayEnumerator Array(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
        {
            throw NotFast();
        }

        return e.EnumerateArray();
    }

    private static void Expect(JsonElement e, string value)
    {
        if (e.ValueKind != JsonValueKind.String || !e.ValueEquals(value))
        {
            throw NotFast();
        }
    }

    /// <summary>A FHIR string: non-empty, and (stricter than FHIR, to stay clear of any normalisation) no space at either end.</summary>
    private static string String(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String || e.GetString() is not { Length: > 0 } text
            || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            throw NotFast();
        }

        return text;
    }

    /// <summary>A uri: non-empty, no white space.</summary>
    private static string Uri(JsonElement e) => Uri(String(e));

    private static string Uri(string text)
    {
        if (text.Length == 0 || text.Any(char.IsWhiteSpace))
        {
            throw NotFast();
        }

        return text;
    }

    private static string Id(JsonElement e) => Matching(e, IdPattern());

    private static string Matching(JsonElement e, Regex pattern)
    {
        var text = String(e);
        if (!pattern.IsMatch(text))
        {
            throw NotFast();
        }

        return text;
    }

    private static bool Boolean(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw NotFast(),
    };

    /// <summary>A decimal written plainly (no exponent, no leading zeros), within the range of <see cref="decimal"/>.</summary>
    private static decimal Decimal(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Number || !DecimalPattern().IsMatch(e.GetRawText()) || !e.TryGetDecimal(out var value))
        {
            throw NotFast();
        }

        return value;
    }

    private static FhirDateTime DateTime(JsonElement e) => new(Matching(e, DateTimePattern()));

    private static Instant Instant(JsonElement e)
    {
        var text = Matching(e, InstantPattern());
        try
        {
            return new Instant(Hl7.Fhir.Serialization.PrimitiveTypeConverter.ConvertTo<DateTimeOffset>(text));
        }
        catch (Exception x) when (x is FormatException or ArgumentException or InvalidCastException)
        {
            // A leap second or an impossible day: the full way reports it.
            throw NotFast();
        }
    }

    private static T Enum<T>(JsonElement e) where T : struct, System.Enum =>
        EnumUtility.ParseLiteral<T>(String(e)) is { } value ? value : throw NotFast();

    /// <summary>Which elements of an object were seen: each at most once (a repeated name or a second choice leaves the fast path).</summary>
    private struct Seen
    {
        private int _bits;

        public void Once(int element)
        {
            var bit = 1 << element;
            if ((_bits & bit) != 0)
            {
                throw NotFast();
            }

            _bits |= bit;
        }

        public readonly void Require(params ReadOnlySpan<int> elements)
        {
            foreach (var element in elements)
            {
                if ((_bits & (1 << element)) == 0)
                {
                    throw NotFast();
                }
            }
        }
    }

    // The FHIR R4 formats (http://hl7.org/fhir/R4/datatypes.html), anchored.
    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[^\s]+( [^\s]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$")]
    private static partial Regex InstantPattern();
}
