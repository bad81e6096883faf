using IlTwo.Dsl.Evaluation;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>il2/runScenarios</c> (custom): runs the document's scenarios with the interpreter (no emit), each result at its title.</summary>
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

        var results = await Task.Run(() => ScenarioRunner.Run(compilation, new ProtocolInterpreter(compilation)), cancellationToken).ConfigureAwait(false);
        return new RunScenariosResult([.. results.Select(r => new ScenarioRunResult(r.Title, r.Passed, r.Message, CompiledDocument.ToRange(r.Source, r.Span)))]);
    }
}
