using CsCheck;
using IlTwo.Dsl.Compilation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>
/// A one-shot decision from a record (<see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientRecord, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>,
/// and the explained <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>)
/// binds the record into a timeline its thread keeps and binds the next record into. On the protocols' random records,
/// sampled on two threads at once, it must decide exactly as a timeline of the record's own
/// (<see cref="PatientTimeline.Create"/>) does: action, dose number and the whole explained decision.
/// </summary>
public sealed class PooledDecisionTests
{
    [Theory]
    [InlineData("hd-il2-monotherapy", false)]
    [InlineData("post-til-il2", false)]
    [InlineData("post-til-il2", true)]
    public void The_pooled_decision_is_the_decision_over_the_records_own_timeline(string name, bool history) =>
        Agree(TestProtocols.Compile(TestProtocols.Shipped(name)), history, iterations: 1000);

    [Theory]
    [InlineData("course-base")]
    [InlineData("course-extension")]
    public void The_pooled_decision_is_the_decision_over_the_course(string name) =>
        Agree(TestProtocols.Compile(Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", name + ".il2")), history: true, iterations: 600);

    [Fact]
    public void The_pooled_decision_is_the_decision_on_the_data_check_protocol() =>
        Agree(TestProtocols.Compile(Path.Combine(Infrastructure.TestPaths.TestProject, "Scenarios", "data-checks.il2")), history: false, iterations: 1000);

    private static void Agree(ProtocolCompilation compilation, bool history, int iterations)
    {
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var compiled = TestProtocols.Load(compilation);
        var rules = compiled.Rules;

        // Two threads of our own, started together, each sampling its own records: both bind into their own pooled
        // timeline at the same time (CsCheck's own threads may leave all the work to one of them on a busy machine).
        const int Threads = 2;
        using var start = new Barrier(Threads);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                RandomRecords.For(compilation, history).Sample(record => AgreesOn(rules, record), iter: iterations / Threads, threads: 1);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    private static bool AgreesOn(ProtocolRules rules, PatientRecord record)
    {
        foreach (var at in new[] { RandomRecords.At, RandomRecords.At.AddHours(-5) })
        {
            var expected = DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(rules, PatientTimeline.Create(rules.Info, record), at));
            var verdict = ProtocolEvaluator.Decide(rules, record, at);
            var decision = ProtocolEvaluator.Evaluate(rules, record, at);
            if (DoseDecisionJson.Serialize(decision) != expected || verdict.Action != decision.Action || verdict.DoseNumber != decision.DoseNumber
                || DoseDecisionJson.Serialize(verdict.Explain()) != expected)
            {
                return false;
            }
        }
        return true;
    }
}
