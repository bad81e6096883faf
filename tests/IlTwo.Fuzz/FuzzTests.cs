using Xunit.Abstractions;

namespace IlTwo.Fuzz;

/// <summary>
/// The fuzz, bounded for CI (about 45 s in all on 2 cores); set IL2_FUZZ_SECONDS (per target), IL2_FUZZ_ITERATIONS and
/// IL2_FUZZ_SEED to run it longer or differently (README.md). Each test fails with the findings and their inputs.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Check_survives_mutated_protocols() => Assert(CheckFuzzer.Run(FuzzBudget.FromEnvironment(8)));

    [Fact]
    public void Eval_of_mutated_JSON_records_never_gives_with_a_required_input_missing() => Assert(EvalFuzzer.Run(FuzzBudget.FromEnvironment(6), fhir: false));

    [Fact]
    public void Eval_of_mutated_FHIR_bundles_never_gives_with_a_required_input_missing() => Assert(EvalFuzzer.Run(FuzzBudget.FromEnvironment(6), fhir: true));

    [Fact]
    public void The_language_server_survives_mutated_frames() => Assert(LspFuzzer.Run(FuzzBudget.FromEnvironment(8)));

    private void Assert(FuzzReport report)
    {
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("IL2_FUZZ_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, report + "\n");
        }

        Xunit.Assert.True(report.Iterations > 0, $"{report.Target}: nothing ran");
        Xunit.Assert.True(report.Findings.Count == 0, report.ToString());
    }
}
