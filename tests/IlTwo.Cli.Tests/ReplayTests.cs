using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Lowering;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

/// <summary>
/// <c>il2 replay OLD NEW --cohort</c> on synthetic cohorts (<see cref="SyntheticCohort"/>: the shipped example patients,
/// jittered): what the pharmacy committee reads from it (how many doses change, which way, because of which rule, for
/// which patients), checked against the record data and against the engine deciding each dose on its own.
/// </summary>
public sealed class ReplayTests : IDisposable
{
    private const int CohortSize = 50;
    private const string SbpRule = "when sbp < 90 mm[Hg]";

    private static readonly Regex CountsLine = new(
        @"^(?<replayed>\d+) replayed, (?<refused>\d+) refused; (?<decisions>\d+) decisions; (?<changed>\d+) dose\(s\) decided differently in (?<affected>\d+) patient\(s\)$",
        RegexOptions.Multiline);

    private static readonly string[] Degrees = ["1", "2", "4"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> ProtocolsAndForms => new()
    {
        { "hd-il2-monotherapy", "folder" },
        { "hd-il2-monotherapy", "ndjson" },
        { "post-til-il2", "folder" },
        { "post-til-il2", "ndjson" },
    };

    [Theory]
    [MemberData(nameof(ProtocolsAndForms))]
    public void The_same_protocol_as_old_and_new_decides_no_dose_differently(string protocol, string form)
    {
        var cohort = Cohort(form, SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 11));
        var details = Path.Combine(_temp.Path, "details.json");

        var result = Replay(Shipped(protocol), Shipped(protocol), "--cohort", cohort, "--details", details);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"Replay of {CohortSize} patient(s) under {protocol} 1.0.0 (old) and {protocol} 1.0.0 (new)", result.OutLines[0]);
        var counts = Counts(result);
        Assert.Equal((CohortSize, 0, 0, 0), (counts.Replayed, counts.Refused, counts.Changed, counts.Affected));
        Assert.True(counts.Decisions >= 2 * CohortSize, result.ToString());
        Assert.DoesNotContain("direction", result.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch("^(stricter|looser|reached|refused|not read)", string.Join('\n', result.OutLines.Skip(2)));
        Assert.Contains($"decisions for {CohortSize} patients in ", result.Error, StringComparison.Ordinal);

        var patients = Patients(details);
        Assert.Equal(CohortSize, patients.Count);
        Assert.Equal(Enumerable.Range(0, CohortSize).Select(i => $"synthetic-11-{i:D4}"), patients.Select(p => (string)p["id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(counts.Decisions, patients.Sum(p => Doses(p).Count(d => d["old"] is JsonObject) + Doses(p).Count(d => d["new"] is JsonObject)));
        foreach (var p in patients)
        {
            Assert.False((bool)p["refused"]!, p.ToJsonString());
            Assert.NotEmpty(Doses(p));
            Assert.Equal((string?)p["oldEnd"], (string?)p["newEnd"]);
            foreach (var dose in Doses(p))
            {
                Assert.Null(dose["change"]);
                Assert.True(JsonNode.DeepEquals(dose["old"], dose["new"]), dose.ToJsonString());
            }
        }
    }

    /// <summary>
    /// (protocol replayed, SBP hold threshold of the edited copy, edited copy as OLD, expected direction). The edit is to
    /// the monotherapy protocol's <c>sbp-below-90</c>; the post-TIL protocol inherits it from its copy beside it.
    /// </summary>
    public static TheoryData<string, int, bool, string> ThresholdEdits => new()
    {
        { "hd-il2-monotherapy", 110, false, "stricter" },
        { "hd-il2-monotherapy", 110, true, "looser" },
        { "hd-il2-monotherapy", 80, false, "looser" },
        { "hd-il2-monotherapy", 80, true, "stricter" },
        { "post-til-il2", 110, false, "stricter" },
        { "post-til-il2", 110, true, "looser" },
        { "post-til-il2", 80, false, "looser" },
    };

    [Theory]
    [MemberData(nameof(ThresholdEdits))]
    public void A_changed_SBP_threshold_moves_doses_one_way_only_because_of_that_rule(string protocol, int threshold, bool editedIsOld, string direction)
    {
        var edited = EditedCopy(protocol, SbpRule, $"when sbp < {threshold} mm[Hg]");
        var (old, @new) = editedIsOld ? (edited, Shipped(protocol)) : (Shipped(protocol), edited);
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 7).ToList();
        var cohort = Cohort("folder", records);
        var details = Path.Combine(_temp.Path, "details.json");

        var result = Replay(old, @new, "--cohort", cohort, "--details", details);

        Assert.True(result.ExitCode == 0, result.ToString());
        var counts = Counts(result);
        Assert.Equal((CohortSize, 0), (counts.Replayed, counts.Refused));
        Assert.True(counts.Changed > 0, $"no dose changed with the SBP threshold at {threshold}:\n{result}");
        var table = result.OutLines.SkipWhile(l => !l.StartsWith("direction", StringComparison.Ordinal)).ToList();
        Assert.Equal("direction   doses patients  cause", table[0]);
        // One row: every changed dose goes the one way, and the edited rule is its cause.
        Assert.Equal($"{direction,-10} {counts.Changed,6} {counts.Affected,8}  rule sbp-below-90", table[1]);
        Assert.Equal($"{direction}: {counts.Changed} dose(s) in {counts.Affected} patient(s)", table[2]);
        var other = direction == "stricter" ? "looser" : "stricter";
        Assert.DoesNotContain(result.OutLines, l => l.StartsWith(other, StringComparison.Ordinal) || l.StartsWith("reached", StringComparison.Ordinal));

        // Every changed dose: the version with the lower threshold gives, the other holds for sbp-below-90, and the
        // record's SBP at that time lies between the two thresholds. Raising the threshold changes every dose that was
        // given with such an SBP (nothing else can hold it under the edited copy).
        var (low, high) = (Math.Min(threshold, 90), Math.Max(threshold, 90));
        var sbp = records.ToDictionary(r => r.Name, r => SbpReadings(r.Json));
        var changes = Patients(details).SelectMany(p => Doses(p).Select(d => (Id: (string)p["id"]!, Dose: d))).Where(x => x.Dose["change"] is not null).ToList();
        Assert.Equal(counts.Changed, changes.Count);
        Assert.Equal(counts.Affected, changes.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var (id, dose) in changes)
        {
            Assert.Equal(direction, (string)dose["change"]!);
            Assert.Equal(["rule sbp-below-90"], dose["causes"]!.AsArray().Select(c => (string)c!));
            var (giving, holding) = direction == "stricter" ? (dose["old"]!, dose["new"]!) : (dose["new"]!, dose["old"]!);
            Assert.Equal("give", (string)giving["action"]!);
            Assert.Equal("hold", (string)holding["action"]!);
            Assert.Contains(holding["reasons"]!.AsArray(), r => ((string)r!).StartsWith("sbp-below-90 (sbp ", StringComparison.Ordinal));
            var value = Latest(sbp[id], At(dose));
            Assert.True(value >= low && value < high, $"{id} at {dose["at"]}: SBP {value} is not in [{low}, {high})");
        }
        if (threshold > 90)
        {
            var lowerIsOld = !editedIsOld;
            var expected = Patients(details)
                .SelectMany(p => Doses(p).Select(d => (Id: (string)p["id"]!, Dose: d)))
                .Where(x => (string?)x.Dose[lowerIsOld ? "old" : "new"]?["action"] == "give" && Latest(sbp[x.Id], At(x.Dose)) is var v && v >= low && v < high)
                .Select(x => $"{x.Id} {x.Dose["at"]}");
            Assert.Equal(expected, changes.Select(c => $"{c.Id} {c.Dose["at"]}"));
        }
    }

    /// <summary>
    /// Two independent paths agree: each dose the replay reports (both versions, from --details) is the decision the
    /// engine makes when asked about that dose alone, with the record as it stood then (the doses recorded before it).
    /// </summary>
    [Theory]
    [InlineData("hd-il2-monotherapy", "post-til-il2")]
    [InlineData("post-til-il2", "hd-il2-monotherapy")]
    public void Each_replayed_dose_is_the_engines_own_decision_for_that_dose(string oldName, string newName)
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 23).ToList();
        var cohort = Cohort("folder", records);
        var details = Path.Combine(_temp.Path, "details.json");
        var result = Replay(Shipped(oldName), Shipped(newName), "--cohort", cohort, "--details", details);
        Assert.True(result.ExitCode == 0, result.ToString());

        using var oldProtocol = Load(Shipped(oldName));
        using var newProtocol = Load(Shipped(newName));
        var patients = Patients(details).ToDictionary(p => (string)p["id"]!);
        Assert.Equal(records.Select(r => r.Name).Order(StringComparer.Ordinal), patients.Keys.Order(StringComparer.Ordinal));
        var compared = 0;
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, json) in records)
        {
            var record = PatientJsonReader.Read(json).Record!;
            var recorded = Doses(patients[name]).Where(d => (string)d["record"]! != "none").ToList();
            Assert.Equal(record.Doses.Select(d => d.At), recorded.Select(At));
            foreach (var dose in recorded)
            {
                var at = At(dose);
                var asItStood = record with { Doses = [.. record.Doses.Where(d => d.At < at)] };
                foreach (var (side, protocol) in new[] { ("old", oldProtocol), ("new", newProtocol) })
                {
                    if (dose[side] is not JsonObject replayed)
                    {
                        // The replay had stopped (discontinued) before this dose.
                        continue;
                    }

                    var decision = protocol.Evaluate(asItStood, at);
                    var action = decision.Action.ToString().ToLowerInvariant();
                    Assert.True(action == (string)replayed["action"]! && decision.DoseNumber == (int)replayed["dose"]!,
                        $"{name} at {dose["at"]} under {side} ({protocol.Info.Id}): the engine says {action} dose {decision.DoseNumber}, the replay {replayed.ToJsonString()}");
                    actions.Add(action);
                    compared++;
                }
            }
        }
        // The cohort is varied enough that the comparison says something: every action occurs, on many doses.
        Assert.True(compared >= 4 * CohortSize, $"only {compared} decisions compared");
        Assert.Equal(["discontinue", "give", "hold"], actions.Order(StringComparer.Ordinal));
    }

    /// <summary>The same cohort as patient JSON files and as Bulk Data NDJSON (each record through the FHIR bundle writer) replays alike.</summary>
    [Fact]
    public void A_cohort_replays_alike_from_patient_json_and_from_bulk_ndjson()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 5).ToList();
        var edited = EditedCopy("hd-il2-monotherapy", SbpRule, "when sbp < 110 mm[Hg]");
        var folder = Path.Combine(_temp.Path, "folder.json");
        var ndjson = Path.Combine(_temp.Path, "ndjson.json");
        var fromFolder = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Cohort("folder", records), "--details", folder);
        var fromNdjson = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Cohort("ndjson", records), "--details", ndjson);

        Assert.True(fromFolder.ExitCode == 0, fromFolder.ToString());
        Assert.True(fromNdjson.ExitCode == 0, fromNdjson.ToString());
        Assert.True(Counts(fromFolder).Changed > 0, fromFolder.ToString());
        // The summary is the same, but for the line that says where the report went.
        Assert.Equal(fromFolder.OutLines.SkipLast(1), fromNdjson.OutLines.SkipLast(1));
        var a = Patients(folder).ToDictionary(p => (string)p["id"]!);
        var b = Patients(ndjson).ToDictionary(p => (string)p["id"]!);
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, p) in a)
        {
            Assert.Equal($"{id}.json", (string)p["source"]!);
            Assert.StartsWith($"Patient/{id} (", (string)b[id]["source"]!, StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(p["doses"], b[id]["doses"]), $"{id}:\n{p["doses"]}\n{b[id]["doses"]}");
        }
    }

    [Fact]
    public void The_html_report_has_the_counts_and_every_changed_patient_and_escapes_what_the_records_say()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 7).ToList();
        var cohort = Cohort("folder", records);
        // A refused record whose error quotes its own text.
        var hostile = JsonNode.Parse(records[0].Json)!;
        hostile["observations"]![0]!["value"] = "<script>x</script>";
        File.WriteAllText(Path.Combine(cohort, "hostile.json"), hostile.ToJsonString());
        var edited = EditedCopy("hd-il2-monotherapy", SbpRule, "when sbp < 110 mm[Hg]");
        var html = Path.Combine(_temp.Path, "report.html");
        var details = Path.Combine(_temp.Path, "details.json");

        var result = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", cohort, "--html", html, "--details", details);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"wrote {html}", result.OutLines);
        var page = File.ReadAllText(html);
        var counts = Counts(result);
        Assert.Equal((CohortSize, 1), (counts.Replayed, counts.Refused));
        Assert.True(counts.Changed > 0, result.ToString());
        Assert.Contains(
            $"<p id=\"summary\">{CohortSize + 1} patients: {CohortSize} replayed, 1 refused. {counts.Decisions} decisions. <strong>{counts.Changed} dose(s) decided differently in {counts.Affected} patient(s).</strong></p>",
            page, StringComparison.Ordinal);
        Assert.Contains($"<tr><td class=\"stricter\">stricter</td><td>rule sbp-below-90</td><td>{counts.Changed}</td><td>{counts.Affected}</td></tr>", page, StringComparison.Ordinal);

        var changed = Patients(details).Where(p => Doses(p).Any(d => d["change"] is not null)).Select(p => (string)p["id"]!).ToList();
        Assert.Equal(counts.Affected, changed.Count);
        Assert.Equal(changed.Select(id => $"<h3 id=\"patient-{id}\">{id} <small>({id}.json)</small></h3>"), Regex.Matches(page, "<h3 [^\n]*</h3>").Select(m => m.Value));
        Assert.Equal(counts.Changed, Regex.Count(page, "<td class=\"stricter\">stricter</td><td><strong>give</strong>"));

        Assert.Contains("<li><strong>hostile</strong> (hostile.json): $.observations[0].value: expected a number or true/false, got a string &quot;&lt;script&gt;x&lt;/script&gt;&quot;</li>", page, StringComparison.Ordinal);
        AssertSelfContainedAndInert(page);
    }

    /// <summary>A patient id from Bulk Data (the Patient's own id) is shown escaped, among the changed patients.</summary>
    [Fact]
    public void The_html_report_escapes_a_patient_id_from_the_records()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 7).ToList();
        var edited = EditedCopy("hd-il2-monotherapy", SbpRule, "when sbp < 110 mm[Hg]");
        var details = Path.Combine(_temp.Path, "details.json");
        var first = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Cohort("ndjson", records), "--details", details);
        Assert.True(first.ExitCode == 0, first.ToString());
        var target = Patients(details).First(p => Doses(p).Any(d => d["change"] is not null));
        var index = records.FindIndex(r => r.Name == (string)target["id"]!);
        const string Hostile = "<script>x</script>";
        var renamed = JsonNode.Parse(records[index].Json)!;
        renamed["patient"]!["id"] = Hostile;
        records[index] = (Hostile, renamed.ToJsonString());
        File.Delete(Path.Combine(_temp.Path, "cohort.ndjson"));
        var html = Path.Combine(_temp.Path, "report.html");

        var result = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Cohort("ndjson", records), "--html", html);

        Assert.True(result.ExitCode == 0, result.ToString());
        var page = File.ReadAllText(html);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"patient-_script_x__script_\">&lt;script&gt;x&lt;/script&gt; <small>(Patient/&lt;script&gt;x&lt;/script&gt; (", page, StringComparison.Ordinal);
        AssertSelfContainedAndInert(page);
    }

    /// <summary>(file name, what is wrong with it, the start of the reader's error the summary lists).</summary>
    public static TheoryData<string, string, string> MalformedRecords => new()
    {
        { "broken.json", "truncated", "malformed JSON at line " },
        { "deeper/no-unit.json", "no-unit", "$.observations[0].unit: a numeric observation needs a \"unit\"" },
        { "text-value.json", "text-value", "$.observations[0].value: expected a number or true/false, got a string \"high\"" },
        { "bad-status.json", "bad-status", "$.doses[0].status: unknown dose status \"done\"" },
        { "no-observations.json", "no-observations", "$.observations: " },
    };

    [Theory]
    [MemberData(nameof(MalformedRecords))]
    public void A_malformed_record_is_refused_with_its_file_and_the_others_are_replayed(string file, string fault, string error)
    {
        const int Size = 20;
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, Size, seed: 3).ToList();
        var cohort = Cohort("folder", records);
        _temp.Write(Path.Combine("cohort", file), Malformed(records[0].Json, fault));
        var details = Path.Combine(_temp.Path, "details.json");

        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", cohort, "--details", details);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"Replay of {Size + 1} patient(s) under hd-il2-monotherapy 1.0.0 (old) and post-til-il2 1.0.0 (new)", result.OutLines[0]);
        var counts = Counts(result);
        Assert.Equal((Size, 1), (counts.Replayed, counts.Refused));
        var id = Path.ChangeExtension(file, null);
        var refused = Assert.Single(result.OutLines, l => l.StartsWith("refused ", StringComparison.Ordinal));
        Assert.StartsWith($"refused {id} ({file}): {error}", refused, StringComparison.Ordinal);

        var patients = Patients(details);
        var entry = Assert.Single(patients, p => (bool)p["refused"]!);
        Assert.Equal((id, file), ((string)entry["id"]!, (string)entry["source"]!));
        Assert.Null(entry["doses"]);
        Assert.Contains(entry["issues"]!.AsArray(), i => (string)i!["severity"]! == "error");
        Assert.All(patients.Where(p => p != entry), p => Assert.NotEmpty(Doses(p)));
    }

    /// <summary>
    /// The patient JSON reader does not know the protocol's units, so a value in a unit that does not convert is not a
    /// refused record: the record is replayed and a dose that needs the value holds for a data error, under both versions.
    /// </summary>
    [Fact]
    public void A_patient_json_value_in_a_unit_that_does_not_convert_holds_the_dose_for_a_data_error()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 2, seed: 3).ToList();
        var cohort = Cohort("folder", records);
        var node = JsonNode.Parse(records[1].Json)!;
        var observations = node["observations"]!.AsArray();
        var index = observations.Select((o, i) => (o, i)).Last(x => (string)x.o!["code"]! == "8480-6").i;
        observations[index]!["unit"] = "kg";
        _temp.Write(Path.Combine("cohort", "sbp-in-kg.json"), node.ToJsonString());
        var details = Path.Combine(_temp.Path, "details.json");

        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", cohort, "--details", details);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((3, 0), (Counts(result).Replayed, Counts(result).Refused));
        var patient = Assert.Single(Patients(details), p => (string)p["id"]! == "sbp-in-kg");
        var last = Doses(patient).Last(d => (string)d["record"]! != "none");
        foreach (var side in new[] { "old", "new" })
        {
            Assert.Equal("hold", (string)last[side]!["action"]!);
            // The path's index is not checked here: see The_data_error_path_names_the_observation_as_the_file_has_it.
            Assert.Contains(last[side]!["reasons"]!.AsArray(), r => Regex.IsMatch((string)r!,
                @"^data error \$\.observations\[\d+\]\.unit: 'sbp' in kg cannot be converted to mm\[Hg\]: cannot convert 'kg' \(mass\) to 'mm\[Hg\]' \(pressure\): the units are not commensurable$"));
            Assert.DoesNotContain(last[side]!["reasons"]!.AsArray(), r => ((string)r!).StartsWith("sbp-below-90", StringComparison.Ordinal));
        }
    }

    /// <summary>In Bulk Data the FHIR reader converts with the protocol's units: a value that does not convert refuses that patient.</summary>
    [Fact]
    public void A_bulk_value_in_a_unit_that_does_not_convert_refuses_that_patient()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 4, seed: 3).ToList();
        var node = JsonNode.Parse(records[2].Json)!;
        var sbp = node["observations"]!.AsArray().Last(o => (string)o!["code"]! == "8480-6")!;
        sbp["unit"] = "kg";
        records[2] = (records[2].Name, node.ToJsonString());

        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", Cohort("ndjson", records));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal((3, 1), (Counts(result).Replayed, Counts(result).Refused));
        var refused = Assert.Single(result.OutLines, l => l.StartsWith("refused ", StringComparison.Ordinal));
        Assert.StartsWith($"refused {records[2].Name} (Patient/{records[2].Name} (", refused, StringComparison.Ordinal);
        Assert.Contains("sbp (Systolic blood pressure) in 'kg' cannot be converted to mm[Hg]", refused, StringComparison.Ordinal);
    }

    /// <summary>
    /// A Bulk Data line that cannot be read or belongs to no patient is listed as not read; the patients are replayed, and
    /// the exit code is 1 (the cohort was read only in part).
    /// </summary>
    [Fact]
    public void A_bulk_line_that_belongs_to_no_patient_is_listed_as_not_read()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 3, seed: 3).ToList();
        var file = Cohort("ndjson", records);
        var lines = File.ReadAllLines(file).ToList();
        lines.Insert(1, "{\"resourceType\":\"Observation\",\"status\":\"final\"");
        lines.Add("{\"resourceType\":\"Observation\",\"status\":\"final\",\"subject\":{\"reference\":\"Group/ward-7\"}}");
        File.WriteAllLines(file, lines);

        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal((3, 0), (Counts(result).Replayed, Counts(result).Refused));
        var notRead = result.OutLines.Where(l => l.StartsWith("not read: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, notRead.Count);
        Assert.StartsWith("not read: cohort.ndjson line 2: not JSON: ", notRead[0], StringComparison.Ordinal);
        Assert.Equal($"not read: cohort.ndjson line {lines.Count}: Observation resource whose subject is not a 'Patient/ID' reference, so it belongs to no patient of the cohort", notRead[1]);
    }

    /// <summary>The summary, the details and the HTML do not depend on how many patients are replayed at once.</summary>
    [Theory]
    [InlineData("folder")]
    [InlineData("ndjson")]
    public void The_outputs_are_byte_identical_whatever_the_degree_of_parallelism(string form)
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 17).ToList();
        var cohort = Cohort(form, records);
        var edited = EditedCopy("hd-il2-monotherapy", SbpRule, "when sbp < 110 mm[Hg]");
        var runs = Degrees.Select(degree =>
        {
            var html = Path.Combine(_temp.Path, $"report-{degree}.html");
            var details = Path.Combine(_temp.Path, $"details-{degree}.json");
            var result = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", cohort, "--max-degree", degree, "--html", html, "--details", details);
            Assert.True(result.ExitCode == 0, result.ToString());
            return (Out: result.Out.Replace(html, "REPORT", StringComparison.Ordinal).Replace(details, "DETAILS", StringComparison.Ordinal), Html: File.ReadAllBytes(html), Details: File.ReadAllBytes(details));
        }).ToList();

        Assert.True(Counts(new CliResult(0, runs[0].Out, "")).Changed > 0, runs[0].Out);
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0].Out, run.Out);
            Assert.Equal(runs[0].Html, run.Html);
            Assert.Equal(runs[0].Details, run.Details);
        }
    }

    [Fact]
    public void Max_degree_1_and_2_print_byte_identical_summaries()
    {
        var cohort = Cohort("folder", SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 19));
        var one = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", cohort, "--max-degree", "1");
        var two = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", cohort, "--parallelism", "2");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(Counts(one).Changed > 0, one.ToString());
        Assert.Equal(one.Out, two.Out);
    }

    /// <summary>(the arguments after OLD NEW, with COHORT for a real cohort folder; the message on stderr).</summary>
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { [], "il2: replay: give the patients with --cohort DIR|FILE.ndjson; run 'il2 replay --help'" },
        { ["--cohort", "NOWHERE"], "il2: NOWHERE: no such file or folder" },
        { ["--cohort", "NOWHERE.ndjson"], "il2: NOWHERE.ndjson: no such file or folder" },
        { ["--cohort", "COHORT", "--max-degree", "0"], "il2: replay: --max-degree '0' is not a whole number of at least 1" },
        { ["--cohort", "COHORT", "--max-degree", "two"], "il2: replay: --max-degree 'two' is not a whole number of at least 1" },
        { ["--cohort", "COHORT", "--max-degree", "1.5"], "il2: replay: --max-degree '1.5' is not a whole number of at least 1" },
        { ["--cohort", "COHORT", "--parallelism", "0"], "il2: replay: --max-degree '0' is not a whole number of at least 1" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Usage_errors_exit_2_with_a_clear_message(string[] options, string message)
    {
        var cohort = Cohort("folder", SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 2, seed: 1));
        var nowhere = Path.Combine(_temp.Path, "nowhere");
        var args = options.Select(o => o.Replace("COHORT", cohort, StringComparison.Ordinal).Replace("NOWHERE", nowhere, StringComparison.Ordinal)).ToArray();

        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains(message.Replace("NOWHERE", nowhere, StringComparison.Ordinal), result.Error.Split('\n'));
    }

    [Fact]
    public void One_protocol_or_a_missing_protocol_is_a_usage_error()
    {
        var cohort = Cohort("folder", SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 2, seed: 1));
        var one = CliRunner.Run("replay", Shipped("hd-il2-monotherapy"), "--allow-unsigned", "--cohort", cohort);
        Assert.Equal(ExitCodes.Usage, one.ExitCode);
        Assert.Contains("il2: replay: give two protocols, OLD and NEW, and --cohort DIR|FILE.ndjson; run 'il2 replay --help'", one.Error, StringComparison.Ordinal);

        var missing = Path.Combine(_temp.Path, "missing.il2");
        var absent = Replay(Shipped("hd-il2-monotherapy"), missing, "--cohort", cohort);
        Assert.Equal(ExitCodes.Usage, absent.ExitCode);
        Assert.Contains($"{missing}: no such file", absent.Error, StringComparison.Ordinal);
        Assert.Equal("", absent.Out);
    }

    /// <summary>
    /// A cohort with no patient is a replay of 0 patients, never a crash (<c>Partitioner.Create(0, 0, ...)</c> threw) and
    /// never a success: an empty folder, where nothing at all was read, exits 2 with the reason on stderr.
    /// </summary>
    [Fact]
    public void An_empty_cohort_is_reported_not_a_crash()
    {
        var empty = Path.Combine(_temp.Path, "empty");
        Directory.CreateDirectory(empty);
        var details = Path.Combine(_temp.Path, "details.json");
        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", empty, "--details", details);
        Assert.Contains("Replay of 0 patient(s)", result.Out, StringComparison.Ordinal);
        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains($"il2: replay: the cohort '{empty}' holds no patient record", result.Error, StringComparison.Ordinal);
        Assert.Empty(Patients(details));
    }

    /// <summary>NDJSON whose lines belong to no patient: 0 patients, the lines listed as not read, exit 1 (read only in part).</summary>
    [Fact]
    public void A_bulk_cohort_whose_lines_belong_to_no_patient_is_a_replay_of_no_patient()
    {
        _temp.Write("orphans.ndjson", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"subject\":{\"reference\":\"Group/ward-7\"}}\n{\"resourceType\":\"Observation\"\n");
        var result = Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", Path.Combine(_temp.Path, "orphans.ndjson"));
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("Replay of 0 patient(s)", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, result.OutLines.Count(l => l.StartsWith("not read: orphans.ndjson line ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The reader sorts a record's observations by time; a data error names the observation as the file has it (the
    /// shipped examples are not in time order: the SBP at index 1 was reported as <c>$.observations[10]</c>, the
    /// creatinine).
    /// </summary>
    [Fact]
    public void The_data_error_path_names_the_observation_as_the_file_has_it()
    {
        var node = JsonNode.Parse(SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 2, seed: 3).Last().Json)!;
        var observations = node["observations"]!.AsArray();
        var index = observations.Select((o, i) => (o, i)).Last(x => (string)x.o!["code"]! == "8480-6").i;
        observations[index]!["unit"] = "kg";
        _temp.Write(Path.Combine("cohort", "sbp-in-kg.json"), node.ToJsonString());
        var details = Path.Combine(_temp.Path, "details.json");
        Replay(Shipped("hd-il2-monotherapy"), Shipped("post-til-il2"), "--cohort", Path.Combine(_temp.Path, "cohort"), "--details", details);
        var last = Doses(Patients(details).Single()).Last(d => (string)d["record"]! != "none");
        Assert.Contains(last["old"]!["reasons"]!.AsArray(), r => ((string)r!).StartsWith($"data error $.observations[{index}].unit: 'sbp' in kg", StringComparison.Ordinal));
    }

    /// <summary>
    /// A JSON file's patient id is its path in the cohort folder without the extension, so two files of the same name in
    /// two subfolders are two patients everywhere: the summary, the cause table (distinct ids) and the HTML's id attributes.
    /// </summary>
    [Fact]
    public void Two_files_of_the_same_name_in_two_subfolders_are_counted_alike_everywhere()
    {
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, CohortSize, seed: 7).ToList();
        var edited = EditedCopy("hd-il2-monotherapy", SbpRule, "when sbp < 110 mm[Hg]");
        var details = Path.Combine(_temp.Path, "details.json");
        Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Cohort("folder", records), "--details", details);
        var changed = Patients(details).First(p => Doses(p).Any(d => d["change"] is not null));
        var json = records.Single(r => r.Name == (string)changed["id"]!).Json;
        _temp.Write(Path.Combine("twins", "a", "p.json"), json);
        _temp.Write(Path.Combine("twins", "b", "p.json"), json);
        var html = Path.Combine(_temp.Path, "twins.html");

        var result = Replay(Shipped("hd-il2-monotherapy"), edited, "--cohort", Path.Combine(_temp.Path, "twins"), "--html", html);

        var counts = Counts(result);
        Assert.Equal(2, counts.Affected);
        Assert.Contains(result.OutLines, l => Regex.IsMatch(l, $@"^stricter +{counts.Changed} +2  rule sbp-below-90$"));
        Assert.Equal(2, Regex.Matches(File.ReadAllText(html), "<h3 id=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Count());
    }

    // ------------------------------------------------------------------ helpers

    private static CliResult Replay(string old, string @new, params string[] options) =>
        CliRunner.Run(["replay", old, @new, "--allow-unsigned", .. options]);

    private static string Shipped(string name) => Path.Combine(CliRunner.ProtocolsFolder, name + ".il2");

    /// <summary>
    /// Copies every shipped protocol into a fresh folder (the post-TIL protocol extends the monotherapy protocol beside it),
    /// replaces <paramref name="from"/> (which must occur once) by <paramref name="to"/> in the monotherapy copy, and returns
    /// the copy of <paramref name="name"/>.
    /// </summary>
    private string EditedCopy(string name, string from, string to)
    {
        var folder = Path.Combine(_temp.Path, "protocols-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(CliRunner.ProtocolsFolder, "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var monotherapy = Path.Combine(folder, "hd-il2-monotherapy.il2");
        var text = File.ReadAllText(monotherapy);
        Assert.Equal(1, Regex.Count(text, Regex.Escape(from)));
        File.WriteAllText(monotherapy, text.Replace(from, to, StringComparison.Ordinal));
        return Path.Combine(folder, name + ".il2");
    }

    /// <summary>The cohort as a folder of patient JSON files, or as one Bulk Data NDJSON file.</summary>
    private string Cohort(string form, IEnumerable<(string Name, string Json)> records)
    {
        if (form == "folder")
        {
            var folder = Path.Combine(_temp.Path, "cohort");
            SyntheticCohort.WriteFolder(folder, records);
            return folder;
        }

        var file = Path.Combine(_temp.Path, "cohort.ndjson");
        SyntheticCohort.WriteNdjson(file, records, PostTilInfo.Value);
        return file;
    }

    /// <summary>The post-TIL protocol declares every observation and event the monotherapy protocol does, and its own.</summary>
    private static readonly Lazy<ProtocolInfo> PostTilInfo = new(() =>
    {
        var path = Shipped("post-til-il2");
        return ProtocolInfoBuilder.Build(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
    });

    private CompiledProtocol Load(string path)
    {
        var assembly = ProtocolCompiler.Compile(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var folder = Path.Combine(_temp.Path, "build-" + Path.GetFileNameWithoutExtension(path));
        Directory.CreateDirectory(folder);
        return CompiledProtocol.Load(ProtocolBuilds.Write(assembly, folder), CompiledProtocolLoadOptions.Development);
    }

    private static (int Replayed, int Refused, int Decisions, int Changed, int Affected) Counts(CliResult result)
    {
        var match = CountsLine.Match(result.Out);
        Assert.True(match.Success, result.ToString());
        int Group(string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        return (Group("replayed"), Group("refused"), Group("decisions"), Group("changed"), Group("affected"));
    }

    private static List<JsonObject> Patients(string details) =>
        [.. JsonNode.Parse(File.ReadAllText(details))!["patients"]!.AsArray().Select(p => p!.AsObject())];

    private static List<JsonObject> Doses(JsonObject patient) =>
        patient["doses"] is JsonArray doses ? [.. doses.Select(d => d!.AsObject())] : [];

    private static DateTimeOffset At(JsonObject dose) => DateTimeOffset.Parse((string)dose["at"]!, CultureInfo.InvariantCulture);

    /// <summary>The record's systolic blood pressures (LOINC 8480-6, mm[Hg]) by time.</summary>
    private static List<(DateTimeOffset At, double Value)> SbpReadings(string json) =>
        [.. JsonNode.Parse(json)!["observations"]!.AsArray()
            .Where(o => (string)o!["code"]! == "8480-6")
            .Select(o => (DateTimeOffset.Parse((string)o!["at"]!, CultureInfo.InvariantCulture), (double)o["value"]!))
            .OrderBy(x => x.Item1)];

    private static double Latest(List<(DateTimeOffset At, double Value)> readings, DateTimeOffset at) =>
        readings.Where(r => r.At <= at).Select(r => r.Value).DefaultIfEmpty(double.NaN).Last();

    private static string Malformed(string json, string fault)
    {
        if (fault == "truncated")
        {
            return json[..(json.Length / 2)];
        }

        var node = JsonNode.Parse(json)!.AsObject();
        var observation = node["observations"]!.AsArray().First(o => o!["unit"] is not null)!.AsObject();
        node["observations"]!.AsArray().Remove(observation);
        node["observations"]!.AsArray().Insert(0, observation);
        switch (fault)
        {
            case "no-unit":
                observation.Remove("unit");
                break;
            case "text-value":
                observation["value"] = "high";
                break;
            case "bad-status":
                node["doses"]![0]!["status"] = "done";
                break;
            case "no-observations":
                node.Remove("observations");
                break;
            default:
                throw new ArgumentException(fault, nameof(fault));
        }
        return node.ToJsonString();
    }

    /// <summary>No script, no markup from a record, nothing fetched from elsewhere.</summary>
    private static void AssertSelfContainedAndInert(string page)
    {
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", page, StringComparison.OrdinalIgnoreCase);
    }
}
