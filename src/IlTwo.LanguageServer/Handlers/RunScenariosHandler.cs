using IlTwo.Dsl.Evaluation;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>il2/runScenarios</c> (custom): runs the document's scenarios with the interpreter (no emit), each result at its
/// title, and the scenarios of the protocols it extends against it (each at its title in the base's file).
/// </summary>
internal sealed class RunScenariosHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("il2/runScenarios")]
    public async Task<RunScenariosResult> RunScenarios(Il2DocumentParams request, CancellationToken cancellationToken)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var compilation = document.Compilation;
        var errors = compilation.Chain.Sum(c => c.Diagnostics.Count(d => d.IsError));
        if (errors > 0)
        {
            return new RunScenariosResult([.. compilation.Protocol.Scenarios.Select(s => new ScenarioRunResult(
                s.Title,
                false,
                $"not run: the protocol has {errors} error(s)",
                document.ToRange(s.Syntax.Title?.Span ?? s.Syntax.KeywordSpan)))]);
        }

        var (results, inherited) = await Task.Run(() =>
        {
            var interpreter = new ProtocolInterpreter(compilation);
            return (ScenarioRunner.Run(compilation, interpreter), ScenarioRunner.RunInherited(compilation, interpreter));
        }, cancellationToken).ConfigureAwait(false);

        // The scenario behind each result, by where its title is (a result may come from a protocol this one extends).
        var scenarios = compilation.Chain
            .SelectMany(c => c.Protocol.Scenarios.Select(s => (Source: c.Text, Scenario: s)))
            .ToDictionary(s => (s.Source, (s.Scenario.Syntax.Title?.Span ?? s.Scenario.Syntax.KeywordSpan).Start), s => s.Scenario);
        return new RunScenariosResult([.. results.Select(r => new ScenarioRunResult(
            r.Title,
            r.Passed,
            r.Message,
            CompiledDocument.ToRange(r.Source, r.Span),
            scenarios.TryGetValue((r.Source, r.Span.Start), out var scenario) ? Expected(scenario) : null,
            Actual(r.Decision)))],
            [.. inherited.Select(r => new InheritedScenarioRunResult(
                r.Scenario.Title,
                r.Scenario.ProtocolId,
                ReferenceEquals(r.Source, compilation.Text) || r.Source.Path.Length == 0 ? document.Uri : new Uri(Path.GetFullPath(r.Source.Path)),
                CompiledDocument.ToRange(r.Source, r.Span),
                r.Outcome.ToString().ToLowerInvariant(),
                r.Passed,
                r.Expected,
                r.Actual))]);
    }

    /// <summary>What the scenario expects, as written after <c>expect</c>: <c>hold because creatinine-high</c>.</summary>
    private static string? Expected(Dsl.Binding.BoundScenario scenario) =>
        scenario.ExpectedAction is not { } action ? null
            : scenario.ExpectedRules is { Length: > 0 } rules ? $"{Word(action.ToString())} because {string.Join(", ", rules.Select(r => r.Name))}"
            : Word(action.ToString());

    /// <summary>What the protocol decided, in the same words: <c>give</c>, <c>hold because sbp-below-90</c>.</summary>
    private static string Actual(Runtime.Evaluation.DoseDecision decision) =>
        decision.Rules.IsEmpty ? Word(decision.Action.ToString()) : $"{Word(decision.Action.ToString())} because {string.Join(", ", decision.Rules.Select(r => r.Id))}";

    private static string Word(string name) => name.ToLowerInvariant();
}
