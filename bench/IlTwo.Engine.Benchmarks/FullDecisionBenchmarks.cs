using BenchmarkDotNet.Attributes;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using NRules;
using RulesEngine.Models;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// The whole job, record to decision, on the 50-observation benchmark record: every contender reads the same record and
/// computes the same windows, recency and unit conversions inside the timed method (no precomputed inputs). The
/// baseline is hand-written C# doing that job (<see cref="RecordReader"/> plus the 30 conditions as compiled lambdas)
/// and answering give / hold / discontinue; the engine also explains its decision and assesses the course.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class FullDecisionBenchmarks
{
    private ProtocolRules _rules = null!;
    private PatientRecord _record = null!;
    private PatientRecord[] _copies = [];
    private int _next;
    private PatientTimeline _timeline = null!;
    private RecordReader _reader = null!;
    private RuleInputs _inputs = null!;
    private Func<RuleInputs, bool>[] _conditions = [];
    private bool[] _discontinue = [];
    private global::RulesEngine.RulesEngine _rulesEngine = null!;
    private ISessionFactory _sessionFactory = null!;
    private ISession _reusedSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        var compilation = BenchmarkData.CreateCompilation();
        _rules = BenchmarkData.CompileAndLoad(out _).Rules;
        var info = _rules.Info;
        _record = BenchmarkData.CreateRecord();
        _copies = [.. Enumerable.Range(0, 64).Select(_ => Copy(_record))];
        _timeline = PatientTimeline.Create(info, _record);
        var engineRules = new EngineRules(compilation);
        var scenarios = compilation.Chain.SelectMany(c => c.Protocol.Scenarios).Select(s => ScenarioRunner.ToRecord(s, ScenarioRunner.Now)).ToList();
        _reader = new RecordReader(info, engineRules.Specs, [_record, .. scenarios]);
        _inputs = new RuleInputs();
        _conditions = [.. engineRules.Rules.Select(r => r.Condition.Compile())];
        _discontinue = [.. info.Rules.Select(r => r.Action == IlTwo.Runtime.Protocols.RuleAction.Discontinue)];
        _rulesEngine = EvaluationBenchmarks.CreateRulesEngine(engineRules);
        _sessionFactory = EvaluationBenchmarks.CreateSessionFactory(engineRules);
        _reusedSession = _sessionFactory.CreateSession();

        // The hand-written reader must compute what the engine reads, or the comparison is not the same job.
        var checkedRecords = 0;
        foreach (var (record, at) in scenarios.Select(r => (r, ScenarioRunner.Now)).Prepend((_record, BenchmarkData.At)))
        {
            var snapshot = PatientSnapshot.Create(info, record, at);
            if (!snapshot.Issues.IsEmpty)
            {
                continue; // the reader does no data checks (see RecordReader)
            }

            var expected = engineRules.Precompute(snapshot.Snapshot);
            var actual = new RuleInputs();
            _reader.Fill(record, at, actual);
            for (var i = 0; i < engineRules.InputCount; i++)
            {
                var (e, a) = (expected[i], actual[i]);
                if (!(double.IsNaN(e) && double.IsNaN(a)) && !(Math.Abs(e - a) <= Math.Max(Math.Abs(e), Math.Abs(a)) * 1e-9))
                {
                    throw new InvalidOperationException($"the hand-written reader reads {engineRules.InputKeys.ElementAt(i)} = {a}, the engine {e}");
                }
            }
            checkedRecords++;
        }
        var decision = ProtocolEvaluator.Evaluate(_rules, _record, BenchmarkData.At);
        if (HandWrittenWholeJob() != decision.Action || CompiledDecisionOverTimeline().Action != decision.Action
            || CompiledVerdictOverTimeline() != decision.Action || CompiledVerdictFromRecord() != decision.Action
            || CompiledVerdictFromNewTimeline() != decision.Action || _copies.Any(c => ProtocolEvaluator.Decide(_rules, c, BenchmarkData.At).Action != decision.Action))
        {
            throw new InvalidOperationException($"the contenders disagree: engine {decision.Action}, hand-written {HandWrittenWholeJob()}");
        }

        Console.WriteLine($"// reader checked against the engine on {checkedRecords} records; decision {decision.Action}: {decision.Summary}");
    }

    /// <summary>Hand-written C#: read the record, then the 30 conditions (two-valued: NaN compares false), then the action.</summary>
    [Benchmark(Baseline = true)]
    public DoseAction HandWrittenWholeJob()
    {
        _reader.Fill(_record, BenchmarkData.At, _inputs);
        var action = DoseAction.Give;
        for (var i = 0; i < _conditions.Length; i++)
        {
            if (_conditions[i](_inputs))
            {
                if (_discontinue[i])
                {
                    return DoseAction.Discontinue;
                }

                action = DoseAction.Hold;
            }
        }
        return action;
    }

    /// <summary>The engine: record → snapshot → compiled rules → course → explained decision.</summary>
    [Benchmark]
    public DoseDecision CompiledFullDecision() => ProtocolEvaluator.Evaluate(_rules, _record, BenchmarkData.At);

    /// <summary>The same decision over a timeline already bound to the record (what a bedside session pays per decision).</summary>
    [Benchmark]
    public DoseDecision CompiledDecisionOverTimeline() => ProtocolEvaluator.Evaluate(_rules, _timeline, BenchmarkData.At);

    /// <summary>The action over a timeline bound once, its explanation left until asked (<see cref="DoseVerdict.Explain"/>).</summary>
    [Benchmark]
    public DoseAction CompiledVerdictOverTimeline() => ProtocolEvaluator.Decide(_rules, _timeline, BenchmarkData.At).Action;

    /// <summary>
    /// The whole job from the record: bind it to the protocol (read, convert, check every entry) into this thread's pooled
    /// timeline, then the verdict (<see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientRecord, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>;
    /// the explanation is built only when asked). Up to main 11cf68e, this row timed what
    /// <see cref="CompiledVerdictFromNewTimeline"/> does.
    /// </summary>
    [Benchmark]
    public DoseAction CompiledVerdictFromRecord() => ProtocolEvaluator.Decide(_rules, _record, BenchmarkData.At).Action;

    /// <summary>
    /// <see cref="CompiledVerdictFromRecord"/> over 64 copies of the record in turn, each with strings (codes, units) of its
    /// own, as a record read anew for every request has: nothing of one call's record is the previous call's (no string
    /// is the one the binding compared last), so the figure is a one-shot decision's, not a repeated one's.
    /// </summary>
    [Benchmark]
    public DoseAction CompiledVerdictFromCopiedRecord()
    {
        var record = _copies[_next];
        _next = (_next + 1) & 63;
        return ProtocolEvaluator.Decide(_rules, record, BenchmarkData.At).Action;
    }

    /// <summary>A deep copy of <paramref name="record"/>: the same entries with strings of their own.</summary>
    internal static PatientRecord Copy(PatientRecord record)
    {
        static string? Own(string? s) => s is null ? null : new string(s.AsSpan());
        return new PatientRecord(Own(record.PatientId), record.Weight is { } w ? new MeasuredValue(w.Value, Own(w.Unit)!) : null,
            [.. record.Events.Select(e => new RecordedEvent(Own(e.Type)!, e.At))],
            [.. record.Doses.Select(d => d with { })],
            [.. record.Observations.Select(o => o with { Code = Own(o.Code)!, Unit = Own(o.Unit) })]);
    }

    /// <summary>The same from a timeline allocated for the record (<see cref="PatientTimeline.Create"/>, then the verdict over it).</summary>
    [Benchmark]
    public DoseAction CompiledVerdictFromNewTimeline() => ProtocolEvaluator.Decide(_rules, PatientTimeline.Create(_rules.Info, _record), BenchmarkData.At).Action;

    /// <summary>Only reading the record into a snapshot (the part of the full decision before the rules).</summary>
    [Benchmark]
    public SnapshotResult SnapshotOnly() => PatientSnapshot.Create(_rules.Info, _record, BenchmarkData.At);

    [Benchmark]
    public int RulesEngineWholeJob()
    {
        _reader.Fill(_record, BenchmarkData.At, _inputs);
        var results = EvaluationBenchmarks.Wait(_rulesEngine.ExecuteAllRulesAsync(EvaluationBenchmarks.WorkflowName, _inputs));
        var fired = 0;
        foreach (RuleResultTree result in results)
        {
            fired += result.IsSuccess ? 1 : 0;
        }
        return fired;
    }

    [Benchmark]
    public int NRulesWholeJob()
    {
        _reader.Fill(_record, BenchmarkData.At, _inputs);
        var session = _sessionFactory.CreateSession();
        session.Insert(_inputs);
        return session.Fire();
    }

    [Benchmark]
    public int NRulesReusedSessionWholeJob()
    {
        _reader.Fill(_record, BenchmarkData.At, _inputs);
        _reusedSession.Insert(_inputs);
        var fired = _reusedSession.Fire();
        _reusedSession.Retract(_inputs);
        return fired;
    }
}
