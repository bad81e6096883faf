using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

/// <summary>
/// Deterministic synthetic cohorts for <c>il2 replay</c> (never real patient data): the shipped example patients
/// (protocols/examples/*.json) are the templates, taken in turn; each synthetic patient gets its own id, every numeric
/// observation value jittered independently (±12 %, percentages capped at 100, weights ±3 %), and each yes/no finding
/// flipped with a small chance (3 %). Units, codes, times and the doses stay as the template has them.
/// </summary>
/// <remarks>
/// The examples chart their bedside data for the dose after the last one they record (the README evaluates it at
/// 06:00, an hour after the last values): with <c>decideAfterData</c> each synthetic course also records that dose
/// (given, an hour after its latest observation), so the replay decides one dose of every course from a full set of
/// data, not only doses held for data that was never charted.
/// </remarks>
internal static class SyntheticCohort
{
    public const double ValueJitter = 0.12;
    public const double WeightJitter = 0.03;
    public const double FlipChance = 0.03;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The shipped example patients (found above the running assembly: the file is also linked into bench/).</summary>
    public static string ExamplesFolder { get; } = FindExamples();

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return Path.Combine(dir.FullName, "protocols", "examples");
            }
        }
        throw new InvalidOperationException("IlTwo.Dsl.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The template files, in a fixed order.</summary>
    public static IReadOnlyList<string> Templates(string examplesFolder) =>
        [.. Directory.EnumerateFiles(examplesFolder, "*.json").Order(StringComparer.Ordinal)];

    /// <summary><paramref name="count"/> patients named <c>synthetic-SEED-NNNN</c>; the same arguments give the same records.</summary>
    public static IEnumerable<(string Name, string Json)> Records(string examplesFolder, int count, int seed, bool decideAfterData = true)
    {
        var templates = Templates(examplesFolder).Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        if (templates.Count == 0)
        {
            throw new InvalidOperationException($"no example patient (*.json) in {examplesFolder}");
        }

        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"synthetic-{seed}-{i:D4}");
            yield return (name, Make(templates[i % templates.Count], name, random, decideAfterData).ToJsonString(Indented));
        }
    }

    /// <summary>One synthetic record from <paramref name="template"/> (a patient JSON document), drawing from <paramref name="random"/>.</summary>
    public static JsonObject Make(JsonNode template, string patientId, Random random, bool decideAfterData = true)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(random);
        var record = template.DeepClone().AsObject();
        if (record["patient"] is not JsonObject patient)
        {
            record["patient"] = patient = [];
        }

        patient["id"] = patientId;
        if (patient["weight"] is JsonObject weight && Number(weight["value"]) is { } kg)
        {
            weight["value"] = Jitter(kg, WeightJitter, random, cap: null);
        }

        var latest = DateTimeOffset.MinValue;
        foreach (var observation in (record["observations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (observation["at"]?.GetValue<string>() is { } at)
            {
                latest = Max(latest, DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
            }

            var value = observation["value"];
            if (value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                var flag = value.GetValue<bool>();
                observation["value"] = random.NextDouble() < FlipChance ? !flag : flag;
            }
            else if (Number(value) is { } number)
            {
                var unit = observation["unit"]?.GetValue<string>();
                observation["value"] = Jitter(number, unit == "kg" ? WeightJitter : ValueJitter, random, cap: unit == "%" ? 100 : null);
            }
        }

        if (decideAfterData && latest > DateTimeOffset.MinValue && record["doses"] is JsonArray doses)
        {
            var at = latest.AddHours(1);
            var recordedLater = doses.OfType<JsonObject>().Any(d => d["at"]?.GetValue<string>() is { } t && DateTimeOffset.Parse(t, CultureInfo.InvariantCulture) >= at);
            if (!recordedLater)
            {
                doses.Add(new JsonObject { ["at"] = Time(at), ["status"] = "given" });
            }
        }
        return record;
    }

    /// <summary>Writes each record as <c>NAME.json</c> into <paramref name="folder"/>; returns the files.</summary>
    public static IReadOnlyList<string> WriteFolder(string folder, IEnumerable<(string Name, string Json)> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var (name, json) in records)
        {
            var file = Path.Combine(folder, name + ".json");
            File.WriteAllText(file, json, new UTF8Encoding(false));
            files.Add(file);
        }
        return files;
    }

    /// <summary>
    /// Writes the records as FHIR Bulk Data NDJSON: each record through <see cref="FhirBundleWriter"/> (so the FHIR reader
    /// reads the same data back), one resource a line, each pointing at its patient as <c>Patient/ID</c> (the Patient's id
    /// is the record's patient id, so the same id the JSON folder gives the file).
    /// </summary>
    public static void WriteNdjson(string file, IEnumerable<(string Name, string Json)> records, ProtocolInfo protocol)
    {
        ArgumentNullException.ThrowIfNull(records);
        var lines = new StringBuilder();
        foreach (var (name, json) in records)
        {
            var read = PatientJsonReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));
            if (read.Record is not { } record)
            {
                throw new InvalidOperationException($"{name}: the synthetic record does not read: {string.Join("; ", read.Issues.Select(i => i.Message))}");
            }

            foreach (var line in NdjsonLines(record, protocol))
            {
                lines.Append(line).Append('\n');
            }
        }
        File.WriteAllText(file, lines.ToString(), new UTF8Encoding(false));
    }

    /// <summary>The Bulk Data lines of one record: its bundle's resources with their references rewritten to <c>Patient/ID</c>.</summary>
    public static IEnumerable<string> NdjsonLines(PatientRecord record, ProtocolInfo protocol)
    {
        ArgumentNullException.ThrowIfNull(record);
        var bundle = FhirBundleWriter.ToBundle(record, protocol);
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        var reference = new ResourceReference("Patient/" + patient.Id);
        foreach (var resource in bundle.Entry.Select(e => e.Resource).OfType<Resource>())
        {
            switch (resource)
            {
                case Observation o:
                    o.Subject = reference;
                    break;
                case Procedure p:
                    p.Subject = reference;
                    break;
                case MedicationAdministration m:
                    m.Subject = reference;
                    break;
                default:
                    break;
            }
            yield return resource.ToJson(pretty: false);
        }
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;

    /// <summary>The value times a factor drawn uniformly from [1 - fraction, 1 + fraction], rounded to 0.01, at most <paramref name="cap"/>.</summary>
    private static double Jitter(double value, double fraction, Random random, double? cap)
    {
        var jittered = Math.Round(value * (1 + ((random.NextDouble() * 2) - 1) * fraction), 2);
        return cap is { } most ? Math.Min(jittered, most) : jittered;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
