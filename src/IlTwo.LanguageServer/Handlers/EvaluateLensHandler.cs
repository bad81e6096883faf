using System.Globalization;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Evaluation;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using IlTwo.Runtime.Evaluation;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/codeLens</c>, evaluate lenses (as Regal's for Rego): above each rule of the file, how its condition came
/// out on each scenario of the file — fires, does not, or unknown for missing data — with the values it read behind
/// <c>il2.showRuleEvaluation</c>; above each scenario, <c>il2.runScenario</c> and <c>il2.debugScenario</c>. The rule's own
/// value, before the course criteria and the schedule (the scenario's result is the Testing view's). Nothing for a file
/// with errors: it cannot be evaluated.
/// </summary>
internal sealed class EvaluateLensHandler(ServerContext context) : ILanguageServerHandler
{
    public const string ShowRuleEvaluation = "il2.showRuleEvaluation";
    public const string RunScenario = "il2.runScenario";
    public const string DebugScenario = "il2.debugScenario";

    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { CodeLensProvider = new CodeLensOptions(ResolveProvider: false) };

    [JsonRpcMethod("textDocument/codeLens")]
    public async Task<IReadOnlyList<CodeLens>> CodeLens(CodeLensParams request, CancellationToken cancellationToken)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var compilation = document.Compilation;
        if (compilation.Chain.Any(c => c.HasErrors))
        {
            return [];
        }

        var scenarios = compilation.Protocol.Scenarios;
        var traces = await Task.Run(() =>
        {
            var interpreter = new ProtocolInterpreter(compilation);
            return scenarios.Select(s => RuleTrace.All(interpreter, ScenarioRunner.ToRecord(s, ScenarioRunner.Now), ScenarioRunner.Now)).ToList();
        }, cancellationToken).ConfigureAwait(false);

        var lenses = new List<CodeLens>();
        foreach (var rule in compilation.Protocol.Rules.Where(r => r.Location.Source == compilation.Text))
        {
            var values = scenarios.Select((s, n) => Value(document, s, traces[n].First(t => t.Id == rule.Name))).ToList();
            lenses.Add(new CodeLens(
                document.ToRange(rule.Location.Span),
                new LspCommand(Title(values), ShowRuleEvaluation, [new RuleEvaluation(rule.Name, document.Uri, values)])));
        }

        foreach (var scenario in scenarios)
        {
            var range = document.ToRange(scenario.Syntax.Title?.Span ?? scenario.Syntax.KeywordSpan);
            lenses.Add(new CodeLens(range, new LspCommand("▶ Run", RunScenario, [document.Uri, scenario.Title])));
            lenses.Add(new CodeLens(range, new LspCommand("Debug", DebugScenario, [document.Uri, scenario.Title])));
        }
        return lenses;
    }

    private static RuleScenarioValue Value(CompiledDocument document, BoundScenario scenario, RuleTrace trace) => new(
        scenario.Title,
        document.ToRange(scenario.Syntax.Title?.Span ?? scenario.Syntax.KeywordSpan),
        trace.Value switch
        {
            Truth.True => "fires",
            Truth.False => "does not fire",
            _ => "unknown",
        },
        string.Join("; ", trace.Values.Select(Seen)));

    /// <summary>"fires in 2 of 33 scenarios · unknown in 1": how often, at a glance.</summary>
    private static string Title(List<RuleScenarioValue> values)
    {
        if (values.Count == 0)
        {
            return "no scenario in this file";
        }

        var fires = values.Count(v => v.Value == "fires");
        var unknown = values.Count(v => v.Value == "unknown");
        var title = fires == 0 ? $"fires in none of {values.Count} scenarios" : $"fires in {fires} of {values.Count} scenario{(values.Count == 1 ? "" : "s")}";
        return unknown == 0 ? title : $"{title} · unknown in {unknown}";
    }

    /// <summary>One value the rule read: <c>sbp = 84 mm[Hg] 1 h ago</c>, <c>confusion = yes</c>, <c>creatinine: no value</c>.</summary>
    private static string Seen(SeenValue v)
    {
        var text = v.Flag is { } flag ? $"{v.Input} = {(flag ? "yes" : "no")}"
            : v.Value is { } value ? $"{v.Input} = {Number(value)}{(v.Unit is { Length: > 0 } unit ? " " + unit : "")}"
            : $"{v.Input}: no value";
        if (v.ChartedValue is { } charted && v.ChartedUnit is { } chartedUnit && chartedUnit != v.Unit)
        {
            text += $" (charted {Number(charted)} {chartedUnit})";
        }

        if (v.Count is { } count)
        {
            text += $" over {count} value{(count == 1 ? "" : "s")}";
        }

        if (v.At is { } at)
        {
            text += $", {Ago(ScenarioRunner.Now - at)} ago";
        }

        return text;
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan age) =>
        age.TotalMinutes < 120 ? $"{Number(Math.Round(age.TotalMinutes))} min" : $"{Number(Math.Round(age.TotalHours, 1))} h";
}
