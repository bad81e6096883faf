using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>configurationDone</c>: the first scenario starts; it stops at its start (stopOnEntry) or at the first breakpoint.</summary>
public sealed class ConfigurationDoneHandler : IRequestHandler
{
    public string Command => "configurationDone";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        if (launched.Started)
        {
            throw new DapRequestException(DebuggerError.BadArguments, "the session has already started");
        }

        launched.Started = true;
        var outcome = launched.NoDebug ? launched.Stepper.RunToEnd() : launched.Stepper.Start(launched.StopOnEntry);
        session.Report(outcome, launched.StopOnEntry ? "entry" : "breakpoint");
        return null;
    }
}
