using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>next</c>, <c>stepIn</c>, <c>stepOut</c> and <c>continue</c>: a move of the <see cref="Stepper"/>, then the stop or the end.</summary>
public sealed class StepHandler(string command, Func<Stepper, StepOutcome> move, string reason = "step") : IRequestHandler
{
    public string Command => command;

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        if (!launched.Started || launched.Stepper.Ended)
        {
            throw new DapRequestException(DebuggerError.NotLaunched, launched.Started ? "the session has ended" : "the session has not started: send 'configurationDone'");
        }

        session.Report(move(launched.Stepper), reason);
        return command == "continue" ? new { allThreadsContinued = true } : null;
    }
}
