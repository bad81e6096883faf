using System.Diagnostics;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// <c>--profile</c>: where a full decision's time and allocations go, stage by stage (binding, snapshot, rules, course,
/// verdict, explained decision), measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> and a stopwatch. The
/// time is the fastest of many short batches (a batch another process interrupted is slower, never faster), so it reads
/// close to a quiet machine's even on a loaded one; the hand-written whole job of <see cref="FullDecisionBenchmarks"/> is
/// timed in the same run. A quick look before BenchmarkDotNet, not a substitute for it.
/// </summary>
public static class StageProfile
{
    public static void Run()
    {
        // Twice: the first pass lets tiered compilation finish (slow on a loaded machine); the second is printed.
        s_quiet = true;
        RunOnce();
        s_quiet = false;
        RunOnce();
    }

    private static bool s_quiet;

    private static void RunOnce()
    {
        var compiled = BenchmarkData.CompileAndLoad(out _);
        var rules = compiled.Rules;
        var record = BenchmarkData.CreateRecord();
        var at = BenchmarkData.At;
        var truths = new Truth[CourseAssessment.SlotCount(rules.Info)];
        var snapshot = PatientSnapshot.Create(rules.Info, record, at).Snapshot;

        // The hand-written whole job of FullDecisionBenchmarks in the same run: the ratio to carry over to a quiet machine.
        var whole = new FullDecisionBenchmarks();
        whole.Setup();
        Measure("hand-written whole job (the baseline)", () => whole.HandWrittenWholeJob());
        Measure("bind (PatientTimeline.Create)", () => PatientTimeline.Create(rules.Info, record));
        Measure("snapshot (PatientSnapshot.Create)", () => PatientSnapshot.Create(rules.Info, record, at));
        var timeline = PatientTimeline.Create(rules.Info, record);
        Measure("snapshot over a timeline", () => PatientSnapshot.Create(timeline, at));
        Measure("rules (EvaluateRules)", () =>
        {
            Array.Fill(truths, Truth.Unknown);
            rules.EvaluateRules(snapshot, truths);
            return truths;
        });
        Measure("course, earlier points kept (Assess)", () =>
        {
            Array.Fill(truths, Truth.Unknown);
            rules.EvaluateRules(snapshot, truths);
            return CourseAssessment.Assess(rules, record, snapshot, truths);
        });
        Measure("verdict over a timeline (Decide), warm", () => ProtocolEvaluator.Decide(rules, timeline, at));
        Measure("decision over a timeline (Evaluate), warm", () => ProtocolEvaluator.Evaluate(rules, timeline, at));
        Measure("verdict from the record, new timeline", () => ProtocolEvaluator.Decide(rules, PatientTimeline.Create(rules.Info, record), at));
        Measure("verdict from the record (Decide, pooled)", () => ProtocolEvaluator.Decide(rules, record, at));
        Measure("full decision (Evaluate from the record)", () => ProtocolEvaluator.Evaluate(rules, record, at));

        // The pooled verdict by the record's shape: what is fixed (no observations), per entry, per converted entry.
        var empty = record with { Observations = [] };
        var noDoses = record with { Doses = [] };
        var declaredUnits = record with { Observations = [.. record.Observations.Where(o => o.Unit is not ("umol/L" or "mg/dL"))] };
        Measure("pooled verdict, no observations", () => ProtocolEvaluator.Decide(rules, empty, at));
        Measure("pooled verdict, no doses", () => ProtocolEvaluator.Decide(rules, noDoses, at));
        Measure($"pooled verdict, {declaredUnits.Observations.Length} entries in declared units", () => ProtocolEvaluator.Decide(rules, declaredUnits, at));
        foreach (var doses in new[] { 14, 28 })
        {
            var course = BenchmarkData.WithCourseOf(record, doses);
            Measure($"pooled verdict, a course of {doses} doses", () => ProtocolEvaluator.Decide(rules, course, at));
        }

        Measure("snapshot only, no observations", () => PatientSnapshot.Create(rules.Info, empty, at));
    }

    /// <summary>
    /// <c>--profile-verdict</c>: only the whole-job rows (hand-written, the pooled verdict from the record and from 64
    /// copies of it, the explained decision), three rounds: a quick A/B against a baseline worktree with this file copied in.
    /// </summary>
    public static void RunVerdicts()
    {
        var compiled = BenchmarkData.CompileAndLoad(out _);
        var rules = compiled.Rules;
        var record = BenchmarkData.CreateRecord();
        var at = BenchmarkData.At;
        var copies = Enumerable.Range(0, 64).Select(_ => FullDecisionBenchmarks.Copy(record)).ToArray();
        var next = 0;
        var whole = new FullDecisionBenchmarks();
        whole.Setup();
        for (var round = 0; round < 4; round++)
        {
            s_quiet = round == 0;
            Measure("hand-written whole job (the baseline)", () => whole.HandWrittenWholeJob());
            Measure("verdict from the record (Decide, pooled)", () => ProtocolEvaluator.Decide(rules, record, at));
            Measure("verdict from 64 copies in turn (Decide)", () =>
            {
                var copy = copies[next];
                next = (next + 1) & 63;
                return ProtocolEvaluator.Decide(rules, copy, at);
            });
            Measure("full decision (Evaluate from the record)", () => ProtocolEvaluator.Evaluate(rules, record, at));
        }
    }

    private static void Measure<T>(string name, Func<T> action)
    {
        for (var i = 0; i < 2000; i++)
        {
            action();
        }

        // Batches of about 0.1 ms (short enough that most run between two preemptions), for about a second.
        var probe = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var perBatch = Math.Max(1, (int)(100 / Math.Max(0.01, probe.Elapsed.TotalMicroseconds / 200)));
        var best = double.MaxValue;
        var before = GC.GetAllocatedBytesForCurrentThread();
        long calls = 0;
        var total = Stopwatch.StartNew();
        while (total.ElapsedMilliseconds < (s_quiet ? 200 : 1500))
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perBatch; i++)
            {
                action();
            }

            watch.Stop();
            calls += perBatch;
            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / perBatch);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
        if (!s_quiet)
        {
            Console.WriteLine($"{name,-45} {best,10:F2} us {bytes,10:F0} B");
        }
    }
}
