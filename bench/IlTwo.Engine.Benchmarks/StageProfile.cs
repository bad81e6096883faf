using System.Diagnostics;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// <c>--profile</c>: where a full decision's time and allocations go, stage by stage (snapshot, rules, course, whole
/// decision), measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> and a stopwatch over many iterations.
/// A quick look before BenchmarkDotNet, not a substitute for it.
/// </summary>
public static class StageProfile
{
    public static void Run()
    {
        var compiled = BenchmarkData.CompileAndLoad(out _);
        var rules = compiled.Rules;
        var record = BenchmarkData.CreateRecord();
        var at = BenchmarkData.At;
        var truths = new Truth[CourseAssessment.SlotCount(rules.Info)];
        var snapshot = PatientSnapshot.Create(rules.Info, record, at).Snapshot;

        Measure("bind (PatientTimeline.Create)", () => PatientTimeline.Create(rules.Info, record));
        Measure("snapshot (PatientSnapshot.Create)", () => PatientSnapshot.Create(rules.Info, record, at));
        var timeline = PatientTimeline.Create(rules.Info, record);
        Measure("snapshot over a timeline", () => PatientSnapshot.Create(timeline, at));
        Measure("verdict over a timeline (Decide)", () => ProtocolEvaluator.Decide(rules, timeline, at));
        var overTimeline = PatientSnapshot.Create(timeline, at).Snapshot;
        Measure("course over the timeline's snapshot", () =>
        {
            Array.Fill(truths, Truth.Unknown);
            rules.EvaluateRules(overTimeline, truths);
            return CourseAssessment.Assess(rules, record, overTimeline, truths);
        });
        Measure("verdict over a timeline (Decide), again", () => ProtocolEvaluator.Decide(rules, timeline, at));
        Measure("decision over a timeline (Evaluate)", () => ProtocolEvaluator.Evaluate(rules, timeline, at));
        Measure("rules (EvaluateRules)", () =>
        {
            Array.Fill(truths, Truth.Unknown);
            rules.EvaluateRules(snapshot, truths);
            return truths;
        });
        Measure("course (CourseAssessment.Assess)", () =>
        {
            Array.Fill(truths, Truth.Unknown);
            rules.EvaluateRules(snapshot, truths);
            return CourseAssessment.Assess(rules, record, snapshot, truths);
        });
        Measure("full decision (ProtocolEvaluator.Evaluate)", () => ProtocolEvaluator.Evaluate(rules, record, at));
    }

    private static void Measure(string name, Func<object> action)
    {
        for (var i = 0; i < 2000; i++)
        {
            action();
        }

        const int N = 20000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            action();
        }

        watch.Stop();
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)N;
        Console.WriteLine($"{name,-45} {watch.Elapsed.TotalMicroseconds / N,10:F2} us {bytes,10:F0} B");
    }
}
