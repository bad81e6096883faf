using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>
/// The protocols under <c>tests/IlTwo.Dsl.Tests/Scenarios</c> exercise how the engine reads values (reporting precision,
/// plausible ranges, disagreeing values): every scenario must pass, interpreted and compiled alike.
/// </summary>
public sealed class DataScenarioTests
{
    private static string Folder => Path.Combine(TestPaths.TestProject, "Scenarios");

    public static TheoryData<string> Files => [.. Directory.GetFiles(Folder, "*.il2").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_scenario_passes_interpreted_and_compiled(string file)
    {
        var compilation = TestProtocols.Compile(Path.Combine(Folder, file));
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error);
        using var compiled = TestProtocols.Load(compilation);

        var interpreted = ScenarioRunner.Run(compilation, new ProtocolInterpreter(compilation));
        var emitted = ScenarioRunner.Run(compilation, compiled.Rules);

        Assert.NotEmpty(interpreted);
        Assert.All(interpreted, r => Assert.True(r.Passed, $"interpreted: {r.Title}: {r.Message}"));
        Assert.All(emitted, r => Assert.True(r.Passed, $"compiled: {r.Title}: {r.Message}"));
        Assert.Equal(interpreted.Select(r => r.Decision.Summary), emitted.Select(r => r.Decision.Summary));
        // The hold is for the data error the title names, not for some other reason.
        Assert.All(interpreted.Where(r => r.Title.Contains("data error", StringComparison.Ordinal)),
            r => Assert.False(r.Decision.DataErrors.IsEmpty, $"{r.Title}: no data error in {r.Decision.Summary}"));
        Assert.All(interpreted.Where(r => r.Decision.Action == Runtime.Evaluation.DoseAction.Give),
            r => Assert.True(r.Decision.DataErrors.IsEmpty, $"{r.Title}: {r.Decision.Summary}"));
    }
}
