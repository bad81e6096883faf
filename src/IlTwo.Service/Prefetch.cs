using System.Globalization;
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

    [GeneratedRegex(@"^\d{1,7}-\d$")]
    private static partial Regex LoincCode();
}
