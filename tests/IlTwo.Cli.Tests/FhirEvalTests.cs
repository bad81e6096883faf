using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

public sealed class FhirEvalTests
{
    private static IlTwo.Runtime.Protocols.ProtocolInfo Info(string name)
    {
        var path = FhirCliRunner.Protocol(name);
        return ProtocolInfoBuilder.Build(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
    }

    [Fact]
    public void Eval_fhir_gives_the_same_decision_as_eval_patient()
    {
        var example = Path.Combine(FhirCliRunner.RepositoryRoot, "protocols", "examples", "post-til-patient.json");
        var record = PatientJsonReader.ReadFile(example).Record!;
        var bundle = FhirCliRunner.TempFile("bundle.json", FhirBundleWriter.Write(record, Info("post-til-il2")));
        var protocol = FhirCliRunner.Protocol("post-til-il2");

        var json = FhirCliRunner.Run("eval", protocol, "--allow-unsigned", "--patient", example, "--at", "2026-03-04T06:00:00Z", "--format", "json");
        var fhir = FhirCliRunner.Run("eval", protocol, "--allow-unsigned", "--fhir", bundle, "--at", "2026-03-04T06:00:00Z", "--format", "json");
        Assert.Equal(0, json.Exit);
        Assert.Equal(0, fhir.Exit);
        Assert.Equal(json.Out, fhir.Out);
        Assert.Contains("\"action\": \"hold\"", fhir.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_needs_exactly_one_of_patient_and_fhir()
    {
        var protocol = FhirCliRunner.Protocol("post-til-il2");
        var neither = FhirCliRunner.Run("eval", protocol);
        Assert.Equal(ExitCodes.Usage, neither.Exit);
        Assert.Contains("--patient RECORD.json or --fhir BUNDLE.json", neither.Error, StringComparison.Ordinal);
        var both = FhirCliRunner.Run("eval", protocol, "--allow-unsigned", "--patient", "a.json", "--fhir", "b.json");
        Assert.Equal(ExitCodes.Usage, both.Exit);
        Assert.Contains("either --patient or --fhir, not both", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_fhir_with_a_unit_that_does_not_convert_makes_no_decision()
    {
        var record = new PatientRecord("p", null, [], [], [RecordedObservation.Numeric("8480-6", new DateTimeOffset(2026, 3, 4, 5, 0, 0, TimeSpan.Zero), 84, "mg")]);
        var bundle = FhirCliRunner.TempFile("bad.json", FhirBundleWriter.Write(record, Info("hd-il2-monotherapy")));
        var result = FhirCliRunner.Run("eval", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--fhir", bundle, "--at", "2026-03-04T06:00:00Z");
        Assert.Equal(ExitCodes.Failure, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Contains("error: Bundle.entry[1](Observation/obs-2).valueQuantity: sbp (Systolic blood pressure) in 'mg' cannot be converted to mm[Hg]", result.Error, StringComparison.Ordinal);
        Assert.Contains("no decision was made", result.Error, StringComparison.Ordinal);
    }
}
