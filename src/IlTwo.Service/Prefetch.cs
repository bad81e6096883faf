using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Service;

/// <summary>
/// The prefetch templates of a protocol's CDS service: what the engine reads, as FHIR searches the EHR runs before it
/// calls (CDS Hooks 2.0, "Prefetch Template").
/// </summary>
public static partial class Prefetch
{
    public const string PatientKey = "patient";
    public const string ObservationsKey = "observations";
    public const string AdministrationsKey = "medicationAdministrations";
    public const string ProceduresKey = "procedures";

    /// <summary>Every key a decision needs: without any one of them the service holds (it never gives on missing data).</summary>
    public static readonly string[] RequiredKeys = [PatientKey, ObservationsKey, AdministrationsKey, ProceduresKey];

    public static IReadOnlyDictionary<string, string> Templates(ProtocolInfo info)
    {
        var days = LookbackDays(info);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PatientKey] = "Patient/{{context.patientId}}",
            [ObservationsKey] = $"Observation?patient={{{{context.patientId}}}}&code={CodeList(info)}&date=ge{{{{today() - {days.ToString(CultureInfo.InvariantCulture)} days}}}}",
            [AdministrationsKey] = "MedicationAdministration?patient={{context.patientId}}",
            [ProceduresKey] = "Procedure?patient={{context.patientId}}",
        };
    }

    /// <summary>
    /// The observation codes, comma separated (a FHIR token OR-list): LOINC codes with their system, and for an observation
    /// without codes (the yes/no findings) its name, which is the code the FHIR reader matches it by.
    /// </summary>
    public static string CodeList(ProtocolInfo info) => string.Join(",", info.Observations
        .SelectMany(o => o.Codes.IsEmpty ? [o.Name] : o.Codes.AsEnumerable())
        .Distinct(StringComparer.Ordinal)
        .Select(c => LoincCode().IsMatch(c) ? "http://loinc.org|" + c : c));

    /// <summary>
    /// Whole days back from today covering the longest window any rule reads, any observation's recency limit, and the
    /// longest course the regimen allows (doses per course, or per cycle, times the longest interval, plus the latest
    /// first dose: the course layer and the weight baseline look back to the first dose). <c>today()</c> is midnight, so
    /// one more day; at least 2.
    /// </summary>
    public static int LookbackDays(ProtocolInfo info)
    {
        var regimen = info.Regimen;
        var course = (regimen.MaxDosesPerCourse ?? regimen.MaxDosesPerCycle ?? 0) * (regimen.MaxIntervalSeconds ?? regimen.MinIntervalSeconds)
            + (regimen.FirstDose?.LatestSeconds ?? 0);
        var seconds = info.Observations.Select(o => o.RecencySeconds)
            .Append(course)
            .Concat(info.Rules.SelectMany(r => r.Inputs).Select(i => i.WindowSeconds))
            .Concat(info.Rules.SelectMany(r => new[] { r.Until, r.Correction }).SelectMany(c => c?.Inputs ?? []).Select(i => i.WindowSeconds))
            .Concat(info.Rules.Select(r => r.PersistenceSeconds ?? 0))
            .DefaultIfEmpty(0)
            .Max();
        return Math.Max(2, (int)Math.Ceiling(seconds / 86400.0) + 1);
    }

    /// <summary>
    /// Why a prefetch value (or a page the service fetched) is not the whole answer to its search, or null when it is:
    /// an OperationOutcome instead of the data (CDS Hooks 2.0: the client could not fetch it); a Bundle that is not a
    /// searchset or collection (a history holds old versions and deletions); a search that reported an error or fatal
    /// issue in an outcome entry; and, unless <paramref name="paged"/> (the service follows the pages itself), a next page
    /// or a <c>total</c> larger than the matches sent. Reading what came as if it were everything would take "no dose
    /// recorded" for "no dose given".
    /// </summary>
    public static string? Incomplete(JsonElement value, bool paged)
    {
        var type = CdsRequest.Text(CdsRequest.Member(value, "resourceType"));
        if (type == "OperationOutcome")
        {
            return $"it is an OperationOutcome ({Diagnostics(value)}), not the data";
        }

        if (type != "Bundle")
        {
            return null;
        }

        if (CdsRequest.Text(CdsRequest.Member(value, "type")) is var bundleType && bundleType is not ("searchset" or "collection"))
        {
            return $"it is a Bundle of type '{bundleType ?? "(none)"}', not a searchset";
        }

        var matches = 0;
        if (CdsRequest.Member(value, "entry") is { ValueKind: JsonValueKind.Array } entries)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                var resource = CdsRequest.Member(entry, "resource");
                if (resource is { } r && CdsRequest.Text(CdsRequest.Member(r, "resourceType")) == "OperationOutcome")
                {
                    if (Errors(r))
                    {
                        return $"the search reported an error ({Diagnostics(r)})";
                    }

                    continue;
                }
                if (CdsRequest.Member(entry, "search") is { } search && CdsRequest.Text(CdsRequest.Member(search, "mode")) is "include" or "outcome")
                {
                    continue;
                }

                matches++;
            }
        }
        if (paged)
        {
            return null;
        }

        if (CdsRequest.Member(value, "link") is { ValueKind: JsonValueKind.Array } links
            && links.EnumerateArray().Any(l => CdsRequest.Text(CdsRequest.Member(l, "relation")) == "next"))
        {
            return "it is one page of a search that has a next page";
        }

        if (CdsRequest.Member(value, "total") is { ValueKind: JsonValueKind.Number } total && (!total.TryGetInt64(out var n) || n > matches))
        {
            return $"its total is {total.GetRawText()} but it holds {matches.ToString(CultureInfo.InvariantCulture)} match(es)";
        }

        return null;
    }

    private static bool Errors(JsonElement outcome) =>
        CdsRequest.Member(outcome, "issue") is { ValueKind: JsonValueKind.Array } issues
        && issues.EnumerateArray().Any(i => CdsRequest.Text(CdsRequest.Member(i, "severity")) is "error" or "fatal");

    private static string Diagnostics(JsonElement outcome)
    {
        var first = CdsRequest.Member(outcome, "issue") is { ValueKind: JsonValueKind.Array } issues ? issues.EnumerateArray().FirstOrDefault() : default;
        var text = CdsRequest.Text(CdsRequest.Member(first, "diagnostics")) ?? CdsRequest.Text(CdsRequest.Member(first, "code")) ?? "no issue";
        return text.Length <= 80 ? text : text[..80] + "…";
    }

    [GeneratedRegex(@"^\d{1,7}-\d$")]
    private static partial Regex LoincCode();
}
