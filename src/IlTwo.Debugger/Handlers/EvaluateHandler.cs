using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;
using IlTwo.Runtime.Records;

namespace IlTwo.Debugger.Handlers;

/// <summary>
/// <c>evaluate</c> (the Debug Console, Watch and hovers): an observation's name gives its value as charted and
/// converted; in a rule's frame, one of the rule's inputs as written (<c>sum(urine-output, last 8 h)</c>) gives what the
/// rule read; a rule's id, its value. Nothing else is evaluated: an unknown name is an error with the closest one.
/// </summary>
public sealed class EvaluateHandler : IRequestHandler
{
    public string Command => "evaluate";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        var expression = (RequestHandlers.String(arguments, "expression") ?? "").Trim();
        var (frame, _) = ScopesHandler.FrameOf(launched, RequestHandlers.Int(arguments, "frameId"));
        var run = launched.Run(frame.Scenario);
        var info = launched.Interpreter.Info;

        if (frame.Kind != StepKind.Scenario)
        {
            var inputs = info.Rules[frame.Rule].Inputs;
            var values = run.Traces[frame.Rule].Values;
            for (var j = 0; j < values.Length; j++)
            {
                if (values[j].Input == expression)
                {
                    return Result(launched.Inspector.Input(values[j], j < inputs.Length ? inputs[j] : null));
                }
            }
        }

        if (info.Observations.FirstOrDefault(o => o.Name == expression) is { } observation)
        {
            return Result(launched.Inspector.Observation(observation, run));
        }

        var rules = launched.Compilation.Protocol.Rules;
        for (var r = 0; r < rules.Length; r++)
        {
            if (rules[r].Name == expression)
            {
                return new { result = $"{Inspection.ValueText.Truth(run.Traces[r].Value)}: {run.Traces[r].Condition}", variablesReference = 0 };
            }
        }

        var names = info.Observations.Select(o => o.Name).Concat(rules.Select(r => r.Name));
        var closest = expression.Length == 0 ? null : Levenshtein.Closest(expression, names, Math.Max(2, expression.Length / 3));
        var hint = closest is null ? "" : $" (did you mean '{closest}'?)";
        throw new DapRequestException(DebuggerError.UnknownName,
            $"'{expression}' is not an observation, a rule or an input of this rule in {launched.Compilation.Protocol.Id}{hint}");
    }

    private static object Result(DapVariable variable) => new { result = variable.Value, variablesReference = variable.VariablesReference };
}
