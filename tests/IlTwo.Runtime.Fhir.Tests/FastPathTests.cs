using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Hl7.Fhir.Model;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// The reader's two ways in (<see cref="FhirFastBundle"/> straight from the JSON, and the full way through the shape checks
/// and the Firely deserializer) must give the same record and the same issues, word for word, on every bundle: the
/// fixtures, generated courses, a bundle using every element the fast path reads, and single-element mutations of them
/// (removed, emptied, retyped, misspelt, padded, unknown elements added) — the mutations most often leave the fast path,
/// and the full way must then report exactly what it always did.
/// </summary>
public sealed class FastPathTests
{
    internal static readonly DateTimeOffset At = CourseTests.Start.AddHours(16);

    /// <summary>Every element the fast path reads, at least once, in a bundle that reads without an issue.</summary>
    private static string Rich()
    {
        var bundle = new CourseBundle("p-rich");
        var patient = (Patient)bundle.Bundle.Entry[0].Resource!;
        patient.Meta = new Meta { VersionId = "3", LastUpdated = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero) };
        patient.Identifier = [new Identifier("urn:oid:1.2.36.146.595.217.0.1", "12345")];
        patient.Active = true;
        patient.Gender = AdministrativeGender.Female;
        patient.BirthDate = "1971-06";
        patient.Name = [new HumanName { Family = "Example", Given = ["Ann", "B."], Text = "Ann B. Example" }];
        bundle.Weight(CourseTests.Start.AddDays(-1), 70.25);
        bundle.Dose(CourseTests.Start);
        bundle.Add(new MedicationAdministration
        {
            Id = "dose-ref",
            Meta = new Meta { LastUpdated = new DateTimeOffset(2026, 3, 4, 1, 2, 3, 456, TimeSpan.FromHours(2)) },
            Identifier = [new Identifier("urn:ehr:mar", "mar-2")],
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new ResourceReference("urn:uuid:20000000-0000-4000-8000-000000000001") { Display = "Proleukin" },
            Subject = bundle.Subject,
            Effective = new Period { Start = CourseBundle.Time(CourseTests.Start.AddHours(8)), End = CourseBundle.Time(CourseTests.Start.AddHours(8.25)) },
            Dosage = new MedicationAdministration.DosageComponent
            {
                Text = "600,000 IU/kg IV over 15 minutes",
                Route = new CodeableConcept("http://snomed.info/sct", "47625008", "Intravenous route"),
                Dose = new Quantity { Value = 42000000m, Unit = "[iU]", System = FhirCodes.Ucum, Code = "[iU]" },
            },
        });
        bundle.Add(new Medication { Id = "med-1", Code = new CodeableConcept { Coding = [new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "0000", "aldesleukin") { Version = "2026-01" }], Text = "Aldesleukin" } },
            "urn:uuid:20000000-0000-4000-8000-000000000001");
        bundle.NormalFindings(At, postTil: false);
        bundle.Add(new Observation
        {
            Id = "sbp-amended",
            Meta = new Meta { LastUpdated = new DateTimeOffset(2026, 3, 4, 5, 30, 0, 120, TimeSpan.Zero) },
            Identifier = [new Identifier("urn:ehr:obs", "sbp-7")],
            Status = ObservationStatus.Amended,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")],
            Code = CourseBundle.Loinc("8480-6", "Systolic blood pressure"),
            Subject = bundle.Subject,
            Effective = new Instant(At.AddMinutes(-50)),
            IssuedElement = new Instant(At.AddMinutes(-45)),
            Value = FhirBundleWriter.Quantity(121.5, "mm[Hg]"),
        });
        bundle.Add(new Observation
        {
            Id = "sbp-absent",
            Status = ObservationStatus.Final,
            Code = CourseBundle.Loinc("8480-6", "Systolic blood pressure"),
            Subject = bundle.Subject,
            Effective = new Period { Start = CourseBundle.Time(At.AddHours(-2)) },
            DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed", "Not Performed"),
        });
        bundle.Add(new Observation
        {
            Id = "confusion-bool",
            Status = ObservationStatus.Final,
            Code = CourseBundle.Named("confusion"),
            Subject = bundle.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(At.AddMinutes(-40))),
            Value = new FhirBoolean(false),
        });
        bundle.Add(new Procedure
        {
            Id = "cycle-1",
            Identifier = [new Identifier("urn:ehr:proc", "c1")],
            Status = EventStatus.Completed,
            Code = CourseBundle.Named("cycle-start"),
            Subject = bundle.Subject,
            Performed = new Period { Start = CourseBundle.Time(CourseTests.Start.AddHours(-1)) },
        });
        var json = JsonNode.Parse(bundle.Json)!.AsObject();
        json["id"] = "b-1";
        // As a CDS prefetch search would send it: entries with search.mode.
        foreach (var entry in json["entry"]!.AsArray())
        {
            entry!["search"] = new JsonObject { ["mode"] = "match" };
        }
        return json.ToJsonString();
    }

    internal static IEnumerable<(string Name, string Json)> Fixtures()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json"))
        {
            yield return (Path.GetFileName(file), File.ReadAllText(file, Encoding.UTF8));
        }

        yield return ("rich", Rich());
        var giving = new CourseBundle("p-1");
        giving.Weight(CourseTests.Start.AddDays(-1), 70);
        giving.Dose(CourseTests.Start);
        giving.Dose(CourseTests.Start.AddHours(8));
        giving.NormalFindings(At, postTil: true, phenylephrine: 0.5);
        yield return ("giving", giving.Json);
        foreach (var file in Directory.GetFiles(Path.Combine(Protocols.RepositoryRoot, "protocols", "examples"), "*.json"))
        {
            var record = PatientJsonReader.ReadFile(file).Record!;
            yield return (Path.GetFileName(file), FhirBundleWriter.Write(record, Protocols.PostTil.Info, At.AddDays(-3)));
        }
    }

    /// <summary>The whole outcome as text: every issue with all its fields, and the record.</summary>
    internal static string Outcome(RecordReadResult read)
    {
        var text = new StringBuilder();
        foreach (var i in read.Issues)
        {
            text.Append(CultureInfo.InvariantCulture, $"issue {i.Path} | {i.Message} | error {i.IsError} | kind {i.Kind} | holds {i.Holds} | code {i.Code} | at {i.At:O}\n");
        }

        if (read.Record is { } r)
        {
            text.Append(CultureInfo.InvariantCulture, $"patient {r.PatientId} weight {r.Weight}\n");
            foreach (var e in r.Events)
            {
                text.Append(CultureInfo.InvariantCulture, $"event {e}\n");
            }

            foreach (var d in r.Doses)
            {
                text.Append(CultureInfo.InvariantCulture, $"dose {d}\n");
            }

            foreach (var o in r.Observations)
            {
                text.Append(CultureInfo.InvariantCulture, $"observation {o} at {o.At:O}\n");
            }
        }
        else
        {
            text.Append("no record\n");
        }
        return text.ToString();
    }

    private static void Agree(string name, string json, ProtocolInfo protocol)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var full = Outcome(FhirBundleReader.Read(utf8, protocol, At, fast: false));
        var fast = Outcome(FhirBundleReader.Read(utf8, protocol, At, fast: true));
        Assert.True(full == fast, $"{name}: the fast path read\n{fast}\nthe full way read\n{full}\nbundle: {json}");
    }

    [Fact]
    public void Every_fixture_reads_the_fast_way_and_the_same_as_the_full_way()
    {
        foreach (var (name, json) in Fixtures())
        {
            foreach (var protocol in new[] { Protocols.Monotherapy.Info, Protocols.PostTil.Info })
            {
                Agree(name, json, protocol);
            }
            // The fast path is taken (else this test would compare the full way with itself), except for the fixture
            // that is malformed on purpose.
            if (name != "bad-units.json")
            {
                Assert.True(FhirFastBundle.TryRead(Encoding.UTF8.GetBytes(json)) is not null, $"{name} left the fast path");
            }
        }
    }

    [Fact]
    public void The_rich_bundle_reads_without_an_issue()
    {
        // So its mutations start from a clean read: any issue in a mutation is the mutation's.
        var read = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Rich()), Protocols.Monotherapy.Info, At);
        Assert.True(read.Succeeded);
        var absent = Assert.Single(read.Issues);
        Assert.Contains("sbp-absent", absent.Path, StringComparison.Ordinal);
        Assert.Equal(2, read.Record!.Doses.Length);
    }

    [Fact]
    public void Generated_courses_read_the_same_both_ways()
    {
        RoundTripTests.Records(Protocols.PostTil.Info).Sample(record =>
        {
            var json = FhirBundleWriter.Write(record, Protocols.PostTil.Info, At.AddDays(-3));
            Agree("generated", json, Protocols.PostTil.Info);
        }, iter: 150);
    }

    /// <summary>Values put in place of each value of the bundle, one at a time.</summary>
    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null,
        () => "",
        () => " padded",
        () => "x y",
        () => "entered-in-error",
        () => "not-a-code ",
        () => "2026-03-04",
        () => "2026-02-30T05:00:00Z",
        () => "2026-03-04T05:00:60Z",
        () => "2026-03-04T05:00:00",
        () => 1,
        () => 1.5e2,
        () => -0.0,
        () => true,
        () => new JsonArray(),
        () => new JsonObject(),
        () => new JsonObject { ["reference"] = "Patient/other" },
        () => "urn:uuid:99999999-0000-4000-8000-000000000000",
    ];

    [Fact]
    public void Single_mutations_of_the_rich_bundle_read_the_same_both_ways()
    {
        var mutations = 0;
        var stayedFast = 0;
        foreach (var mutant in Mutants(JsonNode.Parse(Rich())!))
        {
            mutations++;
            if (FhirFastBundle.TryRead(Encoding.UTF8.GetBytes(mutant)) is not null)
            {
                stayedFast++;
            }

            Agree("mutant", mutant, Protocols.Monotherapy.Info);
        }
        // Both kinds were compared: mutants the fast path read, and mutants it left to the full way.
        Assert.InRange(stayedFast, 1, mutations - 1);
    }

    [Fact]
    public void An_unresolved_reference_anywhere_in_the_rich_bundle_reads_the_same_both_ways()
    {
        // The fast path checks references only where it puts them (subject, medicationReference); the full way walks every
        // element. Each reference made unresolvable in turn, and all at once, must give the same error the same way.
        var root = JsonNode.Parse(Rich())!;
        var references = new List<JsonObject>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["reference"] is JsonValue)
                    {
                        references.Add(o);
                    }

                    foreach (var (_, child) in o)
                    {
                        Walk(child);
                    }
                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Walk(child);
                    }
                    break;
            }
        }
        Walk(root);
        Assert.True(references.Count >= 4, $"the rich bundle has {references.Count} references");
        const string Unresolved = "urn:uuid:99999999-0000-4000-8000-000000000000";
        for (var i = 0; i <= references.Count; i++)
        {
            var copy = JsonNode.Parse(root.ToJsonString())!;
            for (var j = 0; j < references.Count; j++)
            {
                if (i == references.Count || i == j)
                {
                    Find(copy, root, references[j])!["reference"] = Unresolved;
                }
            }
            var json = copy.ToJsonString();
            Assert.True(FhirFastBundle.TryRead(Encoding.UTF8.GetBytes(json)) is not null, $"reference {i} left the fast path");
            Agree($"reference {i}", json, Protocols.Monotherapy.Info);
            var read = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json), Protocols.Monotherapy.Info, At);
            Assert.False(read.Succeeded);
            Assert.Contains(read.Errors, e => e.Message.Contains($"reference '{Unresolved}' does not resolve", StringComparison.Ordinal));
        }
    }

    /// <summary>Each value replaced by each <see cref="Replacements"/> in turn, each member removed, an unknown member added to each object, each array's items doubled.</summary>
    internal static IEnumerable<string> Mutants(JsonNode root)
    {
        var slots = new List<(JsonNode Parent, object Key)>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o)
                    {
                        slots.Add((o, key));
                        Walk(child);
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        slots.Add((a, i));
                        Walk(a[i]);
                    }
                    break;
            }
        }
        Walk(root);
        // Every slot with every replacement would be slow; a fixed stride over slots x replacements covers each slot
        // and each replacement many times.
        var index = 0;
        foreach (var (parent, key) in slots)
        {
            foreach (var replace in Replacements)
            {
                if (index++ % 7 != 0)
                {
                    continue;
                }

                var copy = JsonNode.Parse(root.ToJsonString())!;
                var target = Find(copy, root, parent)!;
                if (key is string name)
                {
                    target.AsObject()[name] = replace();
                }
                else
                {
                    target.AsArray()[(int)key] = replace();
                }
                yield return copy.ToJsonString();
            }
            {
                var copy = JsonNode.Parse(root.ToJsonString())!;
                var target = Find(copy, root, parent)!;
                if (key is string name)
                {
                    target.AsObject().Remove(name);
                    yield return copy.ToJsonString();
                    target.AsObject()[name] = JsonNode.Parse(parent[name]!.ToJsonString());
                    target.AsObject()["unknownElement"] = 1;
                    yield return copy.ToJsonString();
                }
                else
                {
                    target.AsArray().Add(JsonNode.Parse(parent[(int)key]!.ToJsonString()));
                    yield return copy.ToJsonString();
                }
            }
        }
        // A repeated member name (JsonNode cannot make one): the first resourceType of the first resource written twice.
        var text = root.ToJsonString();
        var at = text.IndexOf("\"resourceType\":\"Patient\"", StringComparison.Ordinal);
        yield return text[..at] + "\"resourceType\":\"Patient\"," + text[at..];
    }

    /// <summary>The node in <paramref name="copy"/> at the same place as <paramref name="original"/> in <paramref name="root"/>.</summary>
    private static JsonNode? Find(JsonNode copy, JsonNode root, JsonNode original)
    {
        var path = original.GetPath();
        return path == root.GetPath() ? copy : Navigate(copy, path);
    }

    private static JsonNode? Navigate(JsonNode node, string path)
    {
        // GetPath gives $.a.b[2]['c-d']; walk it.
        var current = node;
        var i = 1;
        while (i < path.Length && current is not null)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                current = current[path[(i + 1)..end]];
                i = end;
            }
            else if (path[i] == '[' && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i, StringComparison.Ordinal);
                current = current[path[(i + 2)..end]];
                i = end + 2;
            }
            else
            {
                var end = path.IndexOf(']', i);
                current = current[int.Parse(path[(i + 1)..end], CultureInfo.InvariantCulture)];
                i = end + 1;
            }
        }
        return current;
    }
}
