using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Fuzz;

/// <summary>
/// <c>il2 eval</c> of the post-TIL protocol (built once) on mutated patient records, as JSON and as FHIR bundles:
/// deleted nodes, swapped types, huge numbers, strange strings, duplicates, truncated text, flipped bytes, and records
/// with every value of a required observation removed. It must finish, exit 0 or 1 without a stack trace, and never
/// give when a required input is missing: not when the decision lists a required observation as missing, and not
/// when the mutation removed a required observation the record had.
/// </summary>
public static class EvalFuzzer
{
    private static readonly string[] Examples = ["protocols/examples/post-til-stable.json", "protocols/examples/post-til-patient.json"];

    public const string At = "2026-03-04T06:00:00Z";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] Actions = ["give", "hold", "discontinue", "complete"];

    public static FuzzReport Run(FuzzBudget budget, bool fhir)
    {
        var report = new FuzzReport(fhir ? "il2 eval --fhir" : "il2 eval --patient");
        var folder = Directory.CreateTempSubdirectory("il2-fuzz-eval-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var (dll, info) = Build(folder);
            var required = info.Observations.Where(o => !o.IsOptional).ToList();
            var bases = Examples
                .Select(p => File.ReadAllText(Repository.File(p)))
                .Select(json => fhir ? FhirBundleWriter.Write(PatientJsonReader.Read(json).Record!, info) : json)
                .Select(json => JsonNode.Parse(json)!)
                .ToList();
            var mutator = new Mutator(new Random(budget.Seed + (fhir ? 1 : 0)));
            report.Iterations = budget.Run(i =>
            {
                var original = bases[mutator.Random.Next(bases.Count)];
                var path = Path.Combine(folder, $"record-{i % 8}.json");
                string input;
                string? removed = null;
                switch (mutator.Random.Next(6))
                {
                    case 0:
                    case 1:
                        var candidates = required.Where(o => Present(original, o, fhir)).ToList();
                        if (candidates.Count == 0)
                        {
                            goto default;
                        }

                        var target = candidates[mutator.Random.Next(candidates.Count)];
                        var without = RemoveAll(original, target, fhir);
                        if (mutator.Random.Next(2) == 0)
                        {
                            without = mutator.MutateJson(without).Node;
                        }
                        // The other mutations may not bring it back (a duplicate of nothing, an edited code): check.
                        removed = Present(without, target, fhir) ? null : target.Name;
                        input = without.ToJsonString();
                        break;
                    case 2:
                        input = mutator.Truncate(original.ToJsonString());
                        break;
                    case 3:
                        var bytes = mutator.MutateBytes(Encoding.UTF8.GetBytes(original.ToJsonString()));
                        File.WriteAllBytes(path, bytes);
                        return Eval(report, dll, path, fhir, Encoding.UTF8.GetString(bytes), null);
                    default:
                        var (node, what) = mutator.MutateJson(original);
                        input = node.ToJsonString();
                        report.Count(what.StartsWith("delete", StringComparison.Ordinal) ? "mutated (deletion first)" : "mutated");
                        break;
                }
                File.WriteAllBytes(path, Encoding.UTF8.GetBytes(input));
                return Eval(report, dll, path, fhir, input, removed);
            });
        }
        finally
        {
            report.Elapsed = clock.Elapsed;
            Directory.Delete(folder, recursive: true);
        }
        return report;
    }

    private static (string Dll, ProtocolInfo Info) Build(string folder)
    {
        var path = Repository.File("protocols/post-til-il2.il2");
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        var assembly = ProtocolCompiler.Compile(compilation);
        if (!assembly.Success || assembly.Info is null)
        {
            throw new InvalidOperationException("post-til-il2 did not build: " + string.Join("\n", assembly.Errors));
        }

        var dll = Path.Combine(folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(dll, [.. assembly.Assembly]);
        return (dll, assembly.Info);
    }

    private static bool Eval(FuzzReport report, string dll, string path, bool fhir, string input, string? removedRequired)
    {
        var result = Repository.RunCli(Timeout, "eval", dll, "--allow-unsigned", fhir ? "--fhir" : "--patient", path, "--at", At, "--format", "json");
        if (result is not { } r)
        {
            report.Find($"hang: il2 eval did not finish within {Timeout.TotalSeconds} s", input);
            return false;
        }
        if (r.Crash is not null)
        {
            report.Find($"crash: {r.Crash}", input);
            return true;
        }
        if (r.Exit is not (0 or 1 or 2) || r.Error.Contains("   at ", StringComparison.Ordinal))
        {
            report.Find($"exit code {r.Exit}\n{r.Error}", input);
            return true;
        }
        if (r.Exit == 1 && r.Error.Contains("TRUST0", StringComparison.Ordinal))
        {
            // The protocol, not the record, was refused: every input would be, and the run would test nothing.
            report.Find($"the protocol itself was refused, so no record reaches the engine\n{r.Error}", input);
            return false;
        }
        if (r.Exit == 2)
        {
            // A record that cannot be read at all is a usage error (ExitCodes.Usage), but it must say where.
            if (!r.Error.Contains("error[", StringComparison.Ordinal))
            {
                report.Find($"exit code 2 without a located error\n{r.Error}", input);
            }
            else
            {
                report.Count("malformed (exit 2)");
            }
            return true;
        }
        if (r.Exit == 1)
        {
            report.Count("refused (exit 1)");
            return true;
        }
        string action;
        List<string> missingRequired;
        try
        {
            using var decision = JsonDocument.Parse(r.Out);
            action = decision.RootElement.GetProperty("action").GetString() ?? "";
            missingRequired = decision.RootElement.TryGetProperty("missing", out var missing)
                ? [.. missing.EnumerateArray().Where(m => !(m.TryGetProperty("optional", out var optional) && optional.ValueKind == JsonValueKind.True)).Select(m => m.GetProperty("observation").GetString() ?? "?")]
                : [];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            report.Find($"the decision is not the documented JSON: {e.Message}\n{r.Out}", input);
            return true;
        }
        if (!Actions.Contains(action))
        {
            report.Find($"unknown action '{action}'", input);
        }
        else if (action == "give" && missingRequired.Count > 0)
        {
            report.Find($"give while required input is missing: {string.Join(", ", missingRequired)}\n{r.Out}", input);
        }
        else if (action == "give" && removedRequired is not null)
        {
            report.Find($"give although every value of the required observation '{removedRequired}' was removed\n{r.Out}", input);
        }
        else
        {
            report.Count(removedRequired is null ? action : $"{action} (required input removed)");
        }

        return true;
    }

    private static bool Present(JsonNode record, ObservationInfo observation, bool fhir) =>
        Observations(record, fhir).Any(o => Matches(o, observation, fhir));

    private static JsonNode RemoveAll(JsonNode record, ObservationInfo observation, bool fhir)
    {
        var copy = record.DeepClone();
        foreach (var node in Observations(copy, fhir).Where(o => Matches(o, observation, fhir)).ToList())
        {
            Mutator.Remove(fhir ? node.Parent!.Parent is JsonArray ? node.Parent! : node : node);
        }

        return copy;
    }

    /// <summary>JSON: the entries of <c>observations</c>; FHIR: the <c>resource</c> of every Observation entry.</summary>
    private static IEnumerable<JsonNode> Observations(JsonNode record, bool fhir)
    {
        if (record is not JsonObject root)
        {
            return [];
        }

        if (!fhir)
        {
            return root["observations"] is JsonArray list ? list.OfType<JsonNode>() : [];
        }

        return root["entry"] is JsonArray entries
            ? entries.OfType<JsonObject>().Select(e => e["resource"]).OfType<JsonObject>().Where(r => Text(r["resourceType"]) == "Observation")
            : [];
    }

    private static bool Matches(JsonNode observation, ObservationInfo info, bool fhir)
    {
        if (observation is not JsonObject o)
        {
            return false;
        }

        if (!fhir)
        {
            return Text(o["code"]) is { } code && (info.Codes.Contains(code) || code == info.Name);
        }

        return o["code"] is JsonObject concept && concept["coding"] is JsonArray codings
            && codings.OfType<JsonObject>().Any(c => Text(c["code"]) is { } code && (info.Codes.Contains(code) || code == info.Name));
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
