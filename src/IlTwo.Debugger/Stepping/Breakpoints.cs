using IlTwo.Debugger.Protocol;
using IlTwo.Dsl.Compilation;

namespace IlTwo.Debugger.Stepping;

/// <summary>
/// Breakpoints by file: a line inside a rule stops at that rule, a line inside a scenario being debugged stops at its
/// start; any other line comes back unverified with the reason. Lines here are 0-based.
/// </summary>
public sealed class Breakpoints(ProtocolCompilation compilation, ScenarioProgram program)
{
    private readonly Dictionary<string, List<(int Id, int Line)>> _byFile = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public static string Normalize(string path) => string.IsNullOrEmpty(path) ? "" : Path.GetFullPath(path);

    /// <summary>Replaces the file's breakpoints (DAP's setBreakpoints is per file); returns each one's resolution.</summary>
    public IReadOnlyList<(int Id, bool Verified, int Line, string? Message)> Set(string path, IReadOnlyList<int> lines)
    {
        var file = Normalize(path);
        var set = new List<(int, int)>();
        var results = new List<(int, bool, int, string?)>();
        foreach (var line in lines)
        {
            var id = _nextId++;
            var (resolved, message) = Resolve(file, line);
            if (resolved is { } at)
            {
                set.Add((id, at));
                results.Add((id, true, at, null));
            }
            else
            {
                results.Add((id, false, line, message));
            }
        }
        _byFile[file] = set;
        return results;
    }

    /// <summary>The ids of the breakpoints at <paramref name="point"/>: a rule or a scenario start, never a condition part.</summary>
    public int[] At(StepPoint point)
    {
        if (point.Kind == StepKind.Condition || !_byFile.TryGetValue(Normalize(point.Source.Path), out var set))
        {
            return [];
        }

        var line = point.Start.Line;
        return [.. set.Where(b => b.Line == line).Select(b => b.Id)];
    }

    private (int? Line, string? Message) Resolve(string file, int line)
    {
        foreach (var rule in compilation.Protocol.Rules)
        {
            var source = rule.Location.Source;
            if (Normalize(source.Path) == file && Covers(source, rule.Syntax.Span, line))
            {
                return (source.GetLinePosition(rule.Syntax.Span.Start).Line, null);
            }
        }

        var debugged = program.Scenarios.ToHashSet();
        var text = compilation.Text;
        foreach (var scenario in compilation.Protocol.Scenarios)
        {
            if (Normalize(text.Path) == file && Covers(text, scenario.Syntax.Span, line))
            {
                return debugged.Contains(scenario)
                    ? (text.GetLinePosition(scenario.Syntax.Span.Start).Line, null)
                    : (null, $"scenario \"{scenario.Title}\" is not run in this session (launch it, or launch without 'scenario' to run them all)");
            }
        }

        return Normalize(text.Path) == file || compilation.Chain.Any(c => Normalize(c.Text.Path) == file)
            ? (null, "no rule or scenario on this line: the debugger stops at rules and scenarios")
            : (null, $"this file is not part of the protocol being debugged ({compilation.Protocol.Id})");
    }

    private static bool Covers(Dsl.Text.SourceText source, Dsl.Text.TextSpan span, int line) =>
        source.GetLinePosition(span.Start).Line <= line && line <= source.GetLinePosition(Math.Max(span.Start, span.End - 1)).Line;
}

/// <summary>Where the session went: the new stop (null at the end) and the scenarios that finished on the way.</summary>
public sealed record StepOutcome(int? Index, int FirstFinished, int FinishedEnd);

/// <summary>
/// The position in a <see cref="ScenarioProgram"/> and the DAP moves over it: stepIn to the next place; next to the next
/// place no deeper than this one (from a scenario's start, its first rule); stepOut to the next shallower place;
/// continue to the next breakpoint.
/// </summary>
public sealed class Stepper(ScenarioProgram program, Breakpoints breakpoints)
{
    public int Current { get; private set; } = -1;

    public StepPoint? Point => Current >= 0 && Current < program.Points.Length ? program.Points[Current] : null;

    public bool Ended { get; private set; }

    public StepOutcome Start(bool stopOnEntry) => MoveTo(stopOnEntry ? 0 : Find(0, p => breakpoints.At(p).Length > 0));

    /// <summary>Run without debugging (<c>noDebug</c>): every scenario to its decision, no stop.</summary>
    public StepOutcome RunToEnd() => MoveTo(null);

    public StepOutcome StepIn() => MoveTo(Find(Current + 1, _ => true));

    public StepOutcome Next()
    {
        var depth = Math.Max(Require().Depth, 1);
        return MoveTo(Find(Current + 1, p => p.Depth <= depth));
    }

    public StepOutcome StepOut()
    {
        var depth = Require().Depth;
        return MoveTo(Find(Current + 1, p => depth == 0 ? p.Depth == 0 : p.Depth < depth));
    }

    public StepOutcome Continue() => MoveTo(Find(Current + 1, p => breakpoints.At(p).Length > 0));

    private StepPoint Require() => Point ?? throw new DapRequestException(DebuggerError.NotLaunched, "not stopped: there is nothing to step from");

    private int? Find(int from, Func<StepPoint, bool> stop)
    {
        for (var i = from; i < program.Points.Length; i++)
        {
            if (stop(program.Points[i]))
            {
                return i;
            }
        }
        return null;
    }

    private StepOutcome MoveTo(int? index)
    {
        var first = Point?.Scenario ?? 0;
        var end = index is { } i ? program.Points[i].Scenario : program.Scenarios.Length;
        Current = index ?? program.Points.Length;
        Ended = index is null;
        return new StepOutcome(index, first, end);
    }
}
