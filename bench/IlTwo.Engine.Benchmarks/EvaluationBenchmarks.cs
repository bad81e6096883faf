using BenchmarkDotNet.Attributes;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using NRules;
using NRules.RuleModel;
using NRules.RuleModel.Builders;
using RulesEngine.Models;
using Workflow = RulesEngine.Models.Workflow;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// Evaluating the post-TIL protocol (30 rules) for one record of 50 observations at one moment, every way we have:
/// the Roslyn-compiled rules, a hand-written C# equivalent (the baseline), the bound-tree interpreter, Microsoft
/// RulesEngine and NRules running the same rules. GlobalSetup checks that they all agree before anything is timed.
/// </summary>
/// <remarks>Min is shown besides mean and median: on a shared, loaded machine the fastest iteration is the least disturbed one.</remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class EvaluationBenchmarks
{
    internal const string WorkflowName = "post-til-il2";

    private CompiledProtocol _compiled = null!;
    private string _folder = "";
    private ProtocolRules _rules = null!;
    private HandWrittenPostTilRules _handWritten = null!;
    private ProtocolInterpreter _interpreter = null!;
    private PatientRecord _record = null!;
    private PatientSnapshot _snapshot = null!;
    private Truth[] _results = [];

    private EngineRules _engineRules = null!;
    private RuleInputs _inputs = null!;
    private RuleInputs _scratchInputs = null!;
    private global::RulesEngine.RulesEngine _rulesEngine = null!;
    private ISessionFactory _sessionFactory = null!;
    private ISession _reusedSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        var compilation = BenchmarkData.CreateCompilation();
        _compiled = BenchmarkData.CompileAndLoad(out _folder);
        _rules = _compiled.Rules;
        var info = _rules.Info;
        _handWritten = new HandWrittenPostTilRules(info);
        _interpreter = new ProtocolInterpreter(compilation);
        _record = BenchmarkData.CreateRecord();
        var snapshot = PatientSnapshot.Create(info, _record, BenchmarkData.At);
        if (snapshot.HasErrors)
        {
            throw new InvalidOperationException("the benchmark record has data errors: " + string.Join("; ", snapshot.Issues));
        }

        _snapshot = snapshot.Snapshot;
        _results = new Truth[info.Rules.Length];

        _engineRules = new EngineRules(compilation);
        _inputs = _engineRules.Precompute(_snapshot);
        _scratchInputs = new RuleInputs();
        _rulesEngine = CreateRulesEngine(_engineRules);
        _sessionFactory = CreateSessionFactory(_engineRules);
        _reusedSession = _sessionFactory.CreateSession();

        CheckAgreement(compilation);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _compiled.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // the assembly may still be mapped; a temp folder left behind is harmless
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // ------------------------------------------------------------ benchmarks

    /// <summary>Rule evaluation only, over a snapshot built once.</summary>
    [Benchmark]
    public Truth Compiled()
    {
        _rules.EvaluateRules(_snapshot, _results);
        return _results[0];
    }

    [Benchmark(Baseline = true)]
    public Truth HandWritten()
    {
        _handWritten.EvaluateRules(_snapshot, _results);
        return _results[0];
    }

    [Benchmark]
    public Truth Interpreter()
    {
        _interpreter.EvaluateRules(_snapshot, _results);
        return _results[0];
    }

    /// <summary>What a caller gets: snapshot of the record, the compiled rules, the decision with its explanation.</summary>
    [Benchmark]
    public DoseDecision CompiledFullDecision() => ProtocolEvaluator.Evaluate(_rules, _record, BenchmarkData.At);

    /// <summary>Microsoft RulesEngine over the precomputed inputs (reading them from the snapshot is <see cref="PrecomputeInputs"/>).</summary>
    [Benchmark]
    public List<RuleResultTree> RulesEngine() => Wait(_rulesEngine.ExecuteAllRulesAsync(WorkflowName, _inputs));

    /// <summary>NRules, a new session per evaluation (a decision is stateless: nothing carries over between patients).</summary>
    [Benchmark]
    public int NRules()
    {
        var session = _sessionFactory.CreateSession();
        session.Insert(_inputs);
        return session.Fire();
    }

    /// <summary>NRules, one long-lived session: insert the fact, fire, retract it again.</summary>
    [Benchmark]
    public int NRulesReusedSession()
    {
        _reusedSession.Insert(_inputs);
        var fired = _reusedSession.Fire();
        _reusedSession.Retract(_inputs);
        return fired;
    }

    /// <summary>Reading the general engines' inputs from the snapshot: not included in RulesEngine/NRules above.</summary>
    [Benchmark]
    public double PrecomputeInputs()
    {
        _engineRules.Fill(_snapshot, _scratchInputs);
        return _scratchInputs[0];
    }

    // ------------------------------------------------------------ engines

    /// <summary>Waits synchronously; RulesEngine completes synchronously here (no I/O), so this is just the result.</summary>
    internal static T Wait<T>(ValueTask<T> task) => task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();

    internal static global::RulesEngine.RulesEngine CreateRulesEngine(EngineRules rules)
    {
        var workflow = new Workflow
        {
            WorkflowName = WorkflowName,
            Rules = [.. rules.Rules.Select(r => new Rule
            {
                RuleName = r.Id,
                RuleExpressionType = RuleExpressionType.LambdaExpression,
                Expression = r.Expression,
                SuccessEvent = r.Id,
            })],
        };
        return new global::RulesEngine.RulesEngine([workflow], new ReSettings());
    }

    internal static ISessionFactory CreateSessionFactory(EngineRules rules)
    {
        var definitions = new List<IRuleDefinition>();
        var context = System.Linq.Expressions.Expression.Parameter(typeof(IContext), "ctx");
        var mark = typeof(FiredRules).GetMethod(nameof(FiredRules.Mark))!;
        foreach (var rule in rules.Rules)
        {
            var builder = new RuleBuilder();
            builder.Name(rule.Id);
            var pattern = builder.LeftHandSide().Pattern(typeof(RuleInputs), EngineRules.InputParameter.Name!);
            pattern.Condition(rule.Condition);
            builder.RightHandSide().Action(System.Linq.Expressions.Expression.Lambda(
                System.Linq.Expressions.Expression.Call(mark, System.Linq.Expressions.Expression.Constant(rule.Index)),
                context, EngineRules.InputParameter));
            definitions.Add(builder.Build());
        }
        return new RuleCompiler().Compile(definitions);
    }

    /// <summary>Where NRules actions record which rules fired (the benchmarks are single-threaded).</summary>
    public static class FiredRules
    {
        public static bool[] Fired { get; } = new bool[64];

        public static void Mark(int index) => Fired[index] = true;
    }

    // ------------------------------------------------------------ agreement

    /// <summary>
    /// The comparison is honest only if everyone computes the same thing. Hand-written, compiled and interpreter must give
    /// the same three-valued truths, on the benchmark record and on every scenario record of the protocol chain;
    /// RulesEngine and NRules (two-valued) must fire exactly the rules whose truth is <see cref="Truth.True"/>.
    /// </summary>
    private void CheckAgreement(ProtocolCompilation compilation)
    {
        var info = _rules.Info;
        var cases = new List<(string Name, PatientSnapshot Snapshot)> { ("benchmark record", _snapshot) };
        foreach (var scenario in compilation.Chain.SelectMany(c => c.Protocol.Scenarios))
        {
            var record = ScenarioRunner.ToRecord(scenario, ScenarioRunner.Now);
            cases.Add(($"scenario \"{scenario.Title}\"", PatientSnapshot.Create(info, record, ScenarioRunner.Now).Snapshot));
        }

        var n = info.Rules.Length;
        foreach (var (name, snapshot) in cases)
        {
            var compiled = Evaluate(_rules, snapshot, n);
            Same(name, "hand-written", compiled, Evaluate(_handWritten, snapshot, n));
            Same(name, "interpreter", compiled, Evaluate(_interpreter, snapshot, n));

            var expected = Enumerable.Range(0, n).Where(i => compiled[i] == Truth.True).Select(i => info.Rules[i].Id).ToList();
            var inputs = _engineRules.Precompute(snapshot);

            var reResults = Wait(_rulesEngine.ExecuteAllRulesAsync(WorkflowName, inputs));
            var errors = reResults.Where(r => !string.IsNullOrEmpty(r.ExceptionMessage)).Select(r => $"{r.Rule.RuleName}: {r.ExceptionMessage}").ToList();
            if (errors.Count > 0 || reResults.Count != n)
            {
                throw new InvalidOperationException($"RulesEngine failed on the {name}: {reResults.Count} results; {string.Join("; ", errors)}");
            }

            SameFired(name, "RulesEngine", expected, [.. reResults.Where(r => r.IsSuccess).Select(r => r.Rule.RuleName)]);

            Array.Clear(FiredRules.Fired);
            var session = _sessionFactory.CreateSession();
            session.Insert(inputs);
            session.Fire();
            SameFired(name, "NRules", expected, [.. Enumerable.Range(0, n).Where(i => FiredRules.Fired[i]).Select(i => info.Rules[i].Id)]);

            Array.Clear(FiredRules.Fired);
            _reusedSession.Insert(inputs);
            _reusedSession.Fire();
            _reusedSession.Retract(inputs);
            SameFired(name, "NRules (reused session)", expected, [.. Enumerable.Range(0, n).Where(i => FiredRules.Fired[i]).Select(i => info.Rules[i].Id)]);
        }
        Array.Clear(FiredRules.Fired);

        var fired = Evaluate(_rules, _snapshot, n);
        Console.WriteLine($"// agreement checked on {cases.Count} records; benchmark record: {_record.Observations.Length} observations, "
            + $"fired [{string.Join(", ", Enumerable.Range(0, n).Where(i => fired[i] == Truth.True).Select(i => info.Rules[i].Id))}], "
            + $"unknown [{string.Join(", ", Enumerable.Range(0, n).Where(i => fired[i] == Truth.Unknown).Select(i => info.Rules[i].Id))}]; "
            + $"{_engineRules.InputCount} distinct inputs");
    }

    private static Truth[] Evaluate(ProtocolRules rules, PatientSnapshot snapshot, int n)
    {
        var results = new Truth[n];
        results.AsSpan().Fill((Truth)0xFF);
        rules.EvaluateRules(snapshot, results);
        return results;
    }

    private void Same(string name, string what, Truth[] compiled, Truth[] other)
    {
        for (var i = 0; i < compiled.Length; i++)
        {
            if (compiled[i] != other[i])
            {
                throw new InvalidOperationException($"{what} disagrees with the compiled protocol on the {name}: rule {_rules.Info.Rules[i].Id} is {other[i]}, compiled says {compiled[i]}");
            }
        }
    }

    private static void SameFired(string name, string engine, List<string> expected, List<string> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{engine} fired [{string.Join(", ", actual)}] on the {name}; the compiled protocol fires [{string.Join(", ", expected)}]");
        }
    }
}
