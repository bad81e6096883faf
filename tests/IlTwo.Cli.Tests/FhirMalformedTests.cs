using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

/// <summary>
/// Every command that reads a FHIR bundle refuses a malformed one with a located error, its stable kind and exit 2 — never
/// a stack trace (it used to die with exit 134) — and holds, naming the resource, on a dose that may be running.
/// </summary>
public sealed class FhirMalformedTests
{
    public static TheoryData<string, string> Bundles => new()
    {
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": 1, "resource": { "resourceType": "Patient", "id": "p" } } ] }""", "error[wrong-type]: $.entry[0].fullUrl: expected a string (a URI), got the number 1" },
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": "urn:uuid:1", "resource": [] } ] }""", "error[wrong-type]: $.entry[0].resource: expected a resource object, got an array" },
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Pat""", "error[malformed-json]: $: malformed FHIR bundle:" },
        { new string('[', 3000) + new string(']', 3000), "error[malformed-json]: $: malformed FHIR bundle: the JSON is nested deeper than 64 levels" },
        { """{ "resourceType": "Bundle", "entry": [ { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Patient", "id": "p" } }, { "resource": { "resourceType": "MedicationAdministration", "status": "completed", "subject": { "reference": "urn:uuid:1" }, "medicationCodeableConcept": { "text": ["aldesleukin"] }, "effectiveDateTime": 17 } } ] }""", "error[wrong-type]: Bundle.entry[1](MedicationAdministration): cannot be read" },
    };

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Eval_and_simulate_refuse_a_malformed_bundle_with_exit_2_and_a_located_error(string json, string expected)
    {
        var bundle = FhirCliRunner.TempFile("bundle.json", json);
        var protocol = FhirCliRunner.Protocol("hd-il2-monotherapy");
        foreach (var args in new string[][]
        {
            ["eval", protocol, "--allow-unsigned", "--fhir", bundle, "--at", "2026-03-04T06:00:00Z"],
            ["eval", protocol, "--allow-unsigned", "--fhir", bundle, "--at", "2026-03-04T06:00:00Z", "--format", "json"],
            ["simulate", protocol, "--allow-unsigned", "--fhir", bundle],
            ["simulate", protocol, "--allow-unsigned", "--fhir", bundle, "--compare", FhirCliRunner.Protocol("post-til-il2")],
        })
        {
            var result = FhirCliRunner.Run(args);
            Assert.Equal(ExitCodes.Usage, result.Exit);
            Assert.Equal("", result.Out);
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.Contains("no decision was made", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Eval_holds_on_a_dose_that_may_be_running_and_names_it()
    {
        var path = FhirCliRunner.Protocol("hd-il2-monotherapy");
        var info = ProtocolInfoBuilder.Build(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
        var start = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);
        var course = FhirCliRunner.HypotensionCourse(start);
        // Dose 2 was started and the record never says it ended.
        var record = course with { Doses = [course.Doses[0], new RecordedDose(start.AddHours(8), DoseStatus.MayBeRunning)] };
        var bundle = FhirCliRunner.TempFile("running.json", FhirBundleWriter.Write(record, info));
        var result = FhirCliRunner.Run("eval", path, "--allow-unsigned", "--fhir", bundle, "--at", "2026-03-03T06:00:00Z");
        Assert.Equal(0, result.Exit);
        Assert.Contains("warning[dose-may-be-running]: Bundle.entry[", result.Error, StringComparison.Ordinal);
        Assert.Contains("status 'in-progress'", result.Out, StringComparison.Ordinal);
        Assert.Contains("MedicationAdministration/dose-", result.Out, StringComparison.Ordinal);
        Assert.Contains("HOLD", result.Out.ToUpperInvariant(), StringComparison.Ordinal);
    }
}
