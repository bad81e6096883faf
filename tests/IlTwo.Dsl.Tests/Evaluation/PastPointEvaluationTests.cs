using CsCheck;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>
/// At an earlier point of the course a compiled protocol (and the interpreter) evaluates only the slots the course
/// reads (<see cref="CourseAssessment.PastPointSlots(ProtocolInfo)"/>) over only the series those read
/// (<see cref="ProtocolRules.PastPointObservations"/>). Both paths share that selection, so here the oracle is the
/// contract's default, independent of it: the same rules evaluating every slot over every series at every point. Any
/// slot or series the selection misses (a stop that no longer fires, a hold read as resolved) shows as a different
/// decision on the protocols' random records with a course history.
/// </summary>
public sealed class PastPointEvaluationTests
{
    [Theory]
    [MemberData(nameof(TestProtocols.EngineProtocols), MemberType = typeof(TestProtocols))]
    public void Evaluating_only_what_the_course_reads_decides_as_evaluating_everything(string path)
    {
        var compilation = TestProtocols.Compile(path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var compiled = TestProtocols.Load(compilation);
        var selective = compiled.Rules;
        var everything = new EverySlotEverySeries(selective);
        var interpreter = new IlTwo.Dsl.Evaluation.ProtocolInterpreter(compilation);
        var actions = new int[3];

        RandomRecords.For(compilation, history: true).Sample(record =>
        {
            foreach (var at in new[] { RandomRecords.At, RandomRecords.At.AddHours(-5), RandomRecords.At.AddHours(8) })
            {
                var expected = DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(everything, PatientTimeline.Create(everything.Info, record), at));
                actions[(int)ProtocolEvaluator.Decide(everything, record, at).Action]++;
                if (DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(selective, PatientTimeline.Create(selective.Info, record), at)) != expected
                    || DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(interpreter, PatientTimeline.Create(interpreter.Info, record), at)) != expected
                    || DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(selective, record, at)) != expected)
                {
                    return false;
                }
            }
            return true;
        }, iter: 400, threads: 1);

        // The records reach more than one action, so the comparison is not of give against give only.
        Assert.True(actions.Count(n => n > 0) >= 2, $"give/hold/discontinue: {string.Join("/", actions)}");
    }

    /// <summary>The same rules through the contract's defaults: every slot at every point, every series bound.</summary>
    private sealed class EverySlotEverySeries(ProtocolRules inner) : ProtocolRules
    {
        public override ProtocolInfo Info => inner.Info;

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => inner.EvaluateRules(snapshot, results);
    }
}
