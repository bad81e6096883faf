using System.Text;
using System.Text.Json;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli;

/// <summary>
/// The patients of <c>il2 replay --cohort</c>: a folder of patient JSON files or FHIR bundles (one patient a file), or
/// FHIR Bulk Data NDJSON (one file, or a folder of <c>*.ndjson</c> files: Patient, Observation,
/// MedicationAdministration, Procedure), whose resources are grouped by the patient they refer to into one bundle per
/// patient. Nothing is dropped silently: a line or file that cannot be grouped is a source issue, and a patient whose
/// record the reader refuses is reported with the reader's errors.
/// </summary>
public static class CohortSource
{
    public static (List<CohortPatient> Patients, List<string> Issues) Load(string path)
    {
        var issues = new List<string>();
        if (File.Exists(path))
        {
            return path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                ? (Bulk([path], issues), issues)
                : ([Single(path, Path.GetFileNameWithoutExtension(path), Path.GetFileName(path))], issues);
        }

        var ndjson = Directory.EnumerateFiles(path, "*.ndjson", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var json = Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var patients = new List<CohortPatient>();
        if (ndjson.Count > 0)
        {
            patients.AddRange(Bulk(ndjson, issues));
        }

        // A JSON file's id is its path in the folder without the extension ('ward-a/p01'): unique among the files (two
        // files of one name in two subfolders are two patients) and the same from run to run and machine to machine.
        // Should it equal the id of a Bulk Data patient of the same folder, it keeps its extension ('p01.json').
        var taken = patients.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var file in json)
        {
            var relative = Path.GetRelativePath(path, file).Replace(Path.DirectorySeparatorChar, '/');
            var id = Path.ChangeExtension(relative, null);
            patients.Add(Single(file, taken.Contains(id) ? relative : id, relative));
        }

        return (patients, issues);
    }

    /// <summary>One file, one patient: a FHIR Bundle when its <c>resourceType</c> says so, else patient JSON.</summary>
    private static CohortPatient Single(string file, string id, string display)
    {
        return new CohortPatient(id, display, protocol =>
        {
            var bytes = File.ReadAllBytes(file);
            return IsBundle(bytes) ? FhirBundleReader.Read(Encoding.UTF8.GetString(bytes), protocol) : PatientJsonReader.Read(new MemoryStream(bytes));
        });
    }

    private static bool IsBundle(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Bundle";
        }
        catch (JsonException)
        {
            // Not JSON at all: the patient JSON reader reports where it breaks.
            return false;
        }
    }

    /// <summary>
    /// Groups Bulk Data resources by patient: a Patient by its id, the others by <c>subject</c> (or <c>patient</c>)
    /// reference <c>Patient/ID</c>. Each group becomes one bundle the FHIR reader reads as any other (so a group without a
    /// Patient, or with a resource the reader refuses, is reported for that patient).
    /// </summary>
    private static List<CohortPatient> Bulk(IReadOnlyList<string> files, List<string> issues)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var file in files)
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file, Encoding.UTF8))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var where = $"{Path.GetFileName(file)} line {lineNumber}";
                var (patient, raw, problem) = PatientOf(line);
                if (patient is null)
                {
                    issues.Add($"{where}: {problem}");
                    continue;
                }
                if (!groups.TryGetValue(patient, out var lines))
                {
                    groups[patient] = lines = [];
                    order.Add(patient);
                }
                lines.Add(raw!);
            }
        }

        return [.. order.Select(id =>
        {
            var lines = groups[id];
            var bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
            for (var i = 0; i < lines.Count; i++)
            {
                bundle.Append(i == 0 ? "" : ",").Append("{\"resource\":").Append(lines[i]).Append('}');
            }
            bundle.Append("]}");
            var json = bundle.ToString();
            return new CohortPatient(id, $"Patient/{id} ({lines.Count} resources)", protocol => FhirBundleReader.Read(json, protocol));
        })];
    }

    /// <summary>The patient a line belongs to and the resource re-serialised from the parsed JSON (never the raw text).</summary>
    private static (string? Patient, string? Raw, string? Problem) PatientOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return (null, null, "not a FHIR resource (no resourceType)");
            }

            var type = typeElement.GetString();
            if (type == "Patient")
            {
                return root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value
                    ? (value, root.GetRawText(), null)
                    : (null, null, "a Patient without an id");
            }
            foreach (var name in new[] { "subject", "patient" })
            {
                if (root.TryGetProperty(name, out var subject) && subject.ValueKind == JsonValueKind.Object
                    && subject.TryGetProperty("reference", out var reference) && reference.ValueKind == JsonValueKind.String
                    && reference.GetString() is { } text && text.StartsWith("Patient/", StringComparison.Ordinal) && text.Length > "Patient/".Length)
                {
                    return (text["Patient/".Length..], root.GetRawText(), null);
                }
            }
            return (null, null, $"{type} resource whose subject is not a 'Patient/ID' reference, so it belongs to no patient of the cohort");
        }
        catch (JsonException e)
        {
            return (null, null, $"not JSON: {e.Message}");
        }
    }
}
