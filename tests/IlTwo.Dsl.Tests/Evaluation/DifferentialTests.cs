using CsCheck;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>The compiled protocol and the interpreter are independent paths over the same bound model: they must agree.</summary>
public sealed class DifferentialTests
{
    [Theory]
    [InlineData("hd-il2-monotherapy", false)]
    [InlineData("post-til-il2", false)]
    [InlineData("hd-il2-monotherapy", true)]
    [InlineData("post-til-il2", true)]
    public void Compiled_and_interpreted_decisions_agree_on_random_records(string name, bool history) =>
        Agree(TestProtocols.Compile(TestProtocols.Shipped(name)), history, history ? 1000 : 3000);

    /// <summary>The data-check protocol: reporting precisions, ranges, values just outside them, mistyped codes.</summary>
    [Fact]
    public void Compiled_and_interpreted_decisions_agree_on_the_data_check_protocol() =>
        Agree(TestProtocols.Compile(Path.Combine(Infrastructure.TestPaths.TestProject, "Scenarios", "data-checks.il2")), history: false, iterations: 3000);

    /// <summary>
    /// The course test protocols (until, persistence, correction, counted groups, an override, slot caps) on records
    /// with a course history: past dose slots, yes/no findings charted long ago, later resolving values.
    /// </summary>
    [Theory]
    [InlineData("course-base")]
    [InlineData("course-extension")]
    public void Compiled_and_interpreted_decisions_agree_over_the_course(string name) =>
        Agree(TestProtocols.Compile(Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", name + ".il2")), history: true, iterations: 1500);

    /// <summary>
    /// The rule-by-rule trace (evaluate lenses, the debugger) agrees between the two paths, and with the decision: a rule
    /// whose own value is true is among the decision's reasons; one that is unknown has its data listed as missing.
    /// </summary>
    [Theory]
    [InlineData("hd-il2-monotherapy")]
    [InlineData("post-til-il2")]
    public void Rule_traces_agree_between_the_paths_and_with_the_decision(string name)
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped(name));
        using var compiled = TestProtocols.Load(compilation);
        var interpreter = new ProtocolInterpreter(compilation);
        var values = new int[3];
        RandomRecords.For(compilation, history: true).Sample(record =>
        {
            var interpreted = RuleTrace.All(interpreter, record, RandomRecords.At);
            var fromCompiled = RuleTrace.All(compiled.Rules, record, RandomRecords.At);
            if (!interpreted.SequenceEqual(fromCompiled, TraceComparer.Instance))
            {
                return false;
            }

            var decision = ProtocolEvaluator.Evaluate(interpreter, record, RandomRecords.At);
            var reasons = decision.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var missing = decision.Missing.SelectMany(m => m.Rules).ToHashSet(StringComparer.Ordinal);
            foreach (var trace in interpreted)
            {
                Interlocked.Increment(ref values[(int)trace.Value]);
                if ((trace.Value == Truth.True && !reasons.Contains(trace.Id)) || (trace.Value == Truth.Unknown && !missing.Contains(trace.Id) && !reasons.Contains(trace.Id)))
                {
                    return false;
                }
            }
            return true;
        }, iter: 500, threads: 1);
        Assert.All(values, count => Assert.True(count > 0, $"rule values false/true/unknown: {string.Join("/", values)}"));
    }

    /// <summary>Records with arrays compare by their elements.</summary>
    private sealed class TraceComparer : IEqualityComparer<RuleTrace>
    {
        public static readonly TraceComparer Instance = new();

        public bool Equals(RuleTrace? x, RuleTrace? y) =>
            x is not null && y is not null && x with { Values = [] } == y with { Values = [] } && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(RuleTrace obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }

    private static void Agree(Compilation.ProtocolCompilation compilation, bool history, int iterations)
    {
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var compiled = TestProtocols.Load(compilation);
        var interpreter = new ProtocolInterpreter(compilation);
        var actions = new int[3];

        RandomRecords.For(compilation, history).Sample(record =>
        {
            var expected = ProtocolEvaluator.Evaluate(interpreter, record, RandomRecords.At);
            var actual = ProtocolEvaluator.Evaluate(compiled.Rules, record, RandomRecords.At);
            Interlocked.Increment(ref actions[(int)expected.Action]);
            return DoseDecisionJson.Serialize(expected) == DoseDecisionJson.Serialize(actual);
        }, iter: iterations, threads: 1);

        // The generator must reach every outcome, or agreement proves little.
        Assert.All(actions, count => Assert.True(count > 0, $"outcome counts give/hold/discontinue: {string.Join("/", actions)}"));
    }
}
