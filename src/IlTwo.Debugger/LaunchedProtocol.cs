using System.Collections.Immutable;
using IlTwo.Debugger.Inspection;
using IlTwo.Debugger.Stepping;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;

namespace IlTwo.Debugger;

/// <summary>What <c>launch</c> made: the compiled protocol, the scenarios to run, the places to stop, the position.</summary>
public sealed class LaunchedProtocol
{
    private readonly Dictionary<int, ScenarioRun> _runs = [];

    public LaunchedProtocol(ProtocolCompilation compilation, ImmutableArray<BoundScenario> scenarios, bool stopOnEntry, VariableStore variables)
    {
        Compilation = compilation;
        Interpreter = new ProtocolInterpreter(compilation);
        Program = ScenarioProgram.Create(compilation, scenarios);
        Breakpoints = new Breakpoints(compilation, Program);
        Stepper = new Stepper(Program, Breakpoints);
        Inspector = new FrameInspector(compilation, Interpreter.Info, variables);
        StopOnEntry = stopOnEntry;
    }

    public ProtocolCompilation Compilation { get; }

    public ProtocolInterpreter Interpreter { get; }

    public ScenarioProgram Program { get; }

    public Breakpoints Breakpoints { get; }

    public Stepper Stepper { get; }

    public FrameInspector Inspector { get; }

    public bool StopOnEntry { get; }

    /// <summary>Run without debugging: the scenarios run to their decisions and nothing stops.</summary>
    public bool NoDebug { get; init; }

    public bool Started { get; set; }

    /// <summary>The scenarios finished so far, in order, with their decisions.</summary>
    public List<ScenarioRun> Finished { get; } = [];

    /// <summary>A scenario is evaluated once, when the session first needs it.</summary>
    public ScenarioRun Run(int scenario)
    {
        if (!_runs.TryGetValue(scenario, out var run))
        {
            run = new ScenarioRun(Compilation, Interpreter, Program.Scenarios[scenario]);
            _runs[scenario] = run;
        }
        return run;
    }
}
