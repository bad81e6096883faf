using System.CommandLine;
using System.Text;
using IlTwo.Dsl.Rendering;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 simulate</c>: replays a whole course decision by decision, optionally against a second protocol version.</summary>
public sealed class SimulateCommand(Func<bool>? errorIsTerminal = null) : ICommand
{
    private readonly Func<bool> _errorIsTerminal = errorIsTerminal ?? (() => !Console.IsErrorRedirected);

    private readonly RecordOptions _record = new();
    private readonly Option<string[]> _from = CliOptions.Valued("--from", "TIME",
        "the first decision (default: the first-dose window's start after the regimen's event, else the first recorded dose, else the first observation); ISO 8601 with offset");
    private readonly Option<string[]> _to = CliOptions.Valued("--to", "TIME", "no decision after TIME");
    private readonly Option<string[]> _tz = TimeZoneOption.Create("write times in this time zone (an IANA id such as Europe/Zurich; default UTC)");
    private readonly Option<string[]> _compare = CliOptions.Valued("--compare", "FILE", "replay the same data under a second protocol and list every dose decided differently");
    private readonly Option<string[]> _output = CliOptions.Valued("--output", "FILE", "write a self-contained HTML page with a chart of doses and observation traces", ["-o"]);
    private readonly TrustOptions _trust = new();
    private readonly Argument<string[]> _protocol = CliOptions.Operands("FILE.il2|FILE.dll", "the protocol: a .il2 file (compiled first) or an assembly from 'il2 build'");

    public string Name => "simulate";

    public string Summary => "Replay a whole course from a record: every dose decision, and what another protocol version would do";

    public string Details => """
        Replays the course: the protocol decides each recorded dose time from the record as it stood then (the doses
        the record gave or held before it, as recorded, and the data charted by then). After the record's last dose
        the replay goes on at the engine's next dose times, assuming its answers were carried out: a give is given,
        a hold uses its slot. It stops at discontinue, at the end of the course or after --to. Prints one line per
        decision, with what the record says happened at that time (given, held, or - for a time the replay added).

        Exit codes: 0 replayed, 1 the protocol or record is invalid, 2 usage or I/O error.
        """;

    /// <summary>Every decision of a protocol loaded unsigned says so, as <see cref="CompiledProtocol.Evaluate"/>'s do.</summary>
    private static CourseSimulation Marked(CourseSimulation simulation, CompiledProtocol protocol) => protocol.UnsignedNotice is not { } notice
        ? simulation
        : simulation with { Steps = [.. simulation.Steps.Select(s => s with { Decision = DoseDecision.Unsigned(s.Decision, notice) })] };

    public void Define(Command command)
    {
        _record.AddTo(command);
        command.Add(_from);
        command.Add(_to);
        command.Add(_tz);
        command.Add(_compare);
        command.Add(_output);
        _trust.AddTo(command);
        command.Add(_protocol);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_protocol);
        if (_trust.From(parse, out var trustError, out var trustExit) is not { } trust)
        {
            if (trustExit == ExitCodes.Usage)
            {
                return context.UsageError($"simulate: {trustError}");
            }

            context.Error.WriteLine($"il2: simulate: {trustError}");
            return ExitCodes.Failure;
        }
        if (operands.Count != 1)
        {
            return context.UsageError("simulate: give one protocol and --patient RECORD.json or --fhir BUNDLE.json; run 'il2 simulate --help'");
        }

        if (_record.From(parse, out var inputError) is not { } input)
        {
            return context.UsageError($"simulate: {inputError}; run 'il2 simulate --help'");
        }

        DateTimeOffset? from = null, to = null;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("from", t => from = t), ("to", t => to = t) })
        {
            if (parse.Value(name == "from" ? _from : _to) is not { } text)
            {
                continue;
            }

            if (!EvalCommand.TryParseTime(text, out var time))
            {
                return context.UsageError($"simulate: --{name} '{text}' is not an ISO 8601 time with an offset (like 2026-03-04T06:00:00Z)");
            }

            set(time);
        }
        if (!TimeZoneOption.TryRead(parse.Value(_tz), out var zone, out var zoneError))
        {
            return context.UsageError($"simulate: {zoneError}");
        }

        var output = parse.Value(_output);
        var comparePath = parse.Value(_compare);
        foreach (var path in new[] { operands[0], input.Path, comparePath }.OfType<string>())
        {
            if (!context.FileSystem.FileExists(path))
            {
                return context.UsageError($"{path}: no such file");
            }
        }

        using var protocol = EvalCommand.LoadProtocol(context, operands[0], trust);
        if (protocol is null)
        {
            return ExitCodes.Failure;
        }

        using var other = comparePath is null ? null : EvalCommand.LoadProtocol(context, comparePath, trust with { ApprovalsPath = null });
        if (comparePath is not null && other is null)
        {
            return ExitCodes.Failure;
        }

        var (record, issues) = input.Read(context, protocol.Info, to);
        if (record is null)
        {
            return RecordInput.FailureExit(issues);
        }

        var options = new CourseOptions { From = from, To = to, ReadIssues = issues, TimeZone = zone };
        var simulation = Marked(CourseSimulator.Simulate(protocol.Rules, record, options, Progress(context, protocol.Info.Id)), protocol);
        EndProgress(context);
        WriteTable(context.Out, protocol.Info, simulation, zone);
        if (protocol.UnsignedNotice is { } unsigned)
        {
            context.Out.WriteLine($"UNSIGNED PROTOCOL: {unsigned}");
        }

        if (other is not null)
        {
            // The bundle is read again for the second protocol: its observations and events may differ.
            var (otherRecord, otherIssues) = input.IsFhir ? input.Read(context, other.Info, to) : (record, issues);
            if (otherRecord is null)
            {
                return RecordInput.FailureExit(otherIssues);
            }

            var second = Marked(CourseSimulator.Simulate(other.Rules, otherRecord, options with { ReadIssues = otherIssues }, Progress(context, other.Info.Id)), other);
            EndProgress(context);
            WriteComparison(context.Out, protocol.Info, other.Info, simulation, second, zone);
        }

        if (output is not null)
        {
            var title = $"{protocol.Info.Id} {protocol.Info.Version}: replay of {record.PatientId ?? input.Path}{(protocol.UnsignedNotice is null ? "" : " (UNSIGNED PROTOCOL: development only)")}";
            try
            {
                File.WriteAllText(output, CourseChart.Render(protocol.Info, record, simulation, title), new UTF8Encoding(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.UsageError($"simulate: cannot write '{output}': {e.Message}");
            }
            context.Out.WriteLine($"wrote {output}");
        }
        return ExitCodes.Success;
    }

    /// <summary>A counter on stderr, only when stderr is a terminal (never in logs or pipes).</summary>
    private SynchronousProgress? Progress(CommandContext context, string id)
    {
        if (!_errorIsTerminal())
        {
            return null;
        }

        return new SynchronousProgress(step => context.Error.Write($"\r{id}: decision {step.Index + 1}, dose {step.DoseNumber} at {Show(step.At)}   "));
    }

    private static void WriteTable(TextWriter output, ProtocolInfo protocol, CourseSimulation simulation, TimeZoneInfo zone)
    {
        output.WriteLine($"Replay under {protocol.Id} {protocol.Version} (sha256 {protocol.SourceHash[..Math.Min(12, protocol.SourceHash.Length)]})");
        output.WriteLine($"{"time",-20} {"dose",4}  {"record",-6}  {"action",-11} reasons");
        foreach (var step in simulation.Steps)
        {
            var action = step.Action.ToString().ToLowerInvariant() + (step.Action == DoseAction.Hold && !step.UsesSlot ? "*" : "");
            var reasons = step.Reasons.IsEmpty ? "-" : string.Join("; ", step.Reasons);
            var recorded = step.Recorded is { } status ? status.ToString().ToLowerInvariant() : "-";
            output.WriteLine($"{Show(step.At, zone),-20} {step.DoseNumber,4}  {recorded,-6}  {action,-11} {reasons}");
        }
        var given = simulation.Steps.Count(s => s.Action == DoseAction.Give);
        var held = simulation.Steps.Count(s => s.Action == DoseAction.Hold && s.UsesSlot);
        var replayed = simulation.Steps.Where(s => s.Recorded is not null).ToList();
        var record = replayed.Count == 0
            ? "no recorded dose time replayed"
            : $"at the {replayed.Count} recorded dose time(s) the record shows {replayed.Count(s => s.Recorded == IlTwo.Runtime.Records.DoseStatus.Given)} given, {replayed.Count(s => s.Recorded == IlTwo.Runtime.Records.DoseStatus.Held)} held";
        output.WriteLine($"the protocol decides {given} give, {held} hold; {record}; {simulation.EndReason}. (* a hold the schedule calls for: no slot used)");
    }

    private static void WriteComparison(TextWriter output, ProtocolInfo a, ProtocolInfo b, CourseSimulation first, CourseSimulation second, TimeZoneInfo zone)
    {
        var differences = CourseSimulator.Compare(first, second);
        output.WriteLine();
        output.WriteLine($"Compared with {b.Id} {b.Version}: {differences.Length} dose(s) decided differently");
        foreach (var d in differences)
        {
            output.WriteLine($"  dose {d.DoseNumber}:");
            output.WriteLine($"    {a.Id} {a.Version}: {Describe(d.First, zone)}");
            output.WriteLine($"    {b.Id} {b.Version}: {Describe(d.Second, zone)}");
        }
    }

    private static string Describe(CourseStep? step, TimeZoneInfo zone) =>
        step is null ? "not reached"
        : $"{step.Action.ToString().ToLowerInvariant()} at {Show(step.At, zone)}{(step.Reasons.IsEmpty ? "" : " — " + string.Join("; ", step.Reasons))}";

    private static string Show(DateTimeOffset time, TimeZoneInfo? zone = null) => TimeZoneOption.Show(time, zone ?? TimeZoneInfo.Utc);

    /// <summary><see cref="Progress{T}"/> posts to the thread pool; progress lines must appear in order, now.</summary>
    private sealed class SynchronousProgress(Action<CourseStep> report) : IProgress<CourseStep>
    {
        public void Report(CourseStep value) => report(value);
    }

    private void EndProgress(CommandContext context)
    {
        if (_errorIsTerminal())
        {
            context.Error.WriteLine();
        }
    }
}
