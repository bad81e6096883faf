using BenchmarkDotNet.Attributes;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// Long ICU records: the benchmark record plus vitals charted every minute (systolic BP, heart rate, SpO2, oxygen flow)
/// and urine output every 5 minutes, going back as far as it takes to reach <see cref="Observations"/> entries
/// (100,000 is about 17 days). One decision over a timeline bound once, a bedside append followed by a decision,
/// a 24-hour aggregate, and (for contrast) the stateless full decision that reads the whole record.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class LongRecordBenchmarks
{
    private static readonly string[] VitalCodes = ["8480-6", "8867-4", "59408-5", "3151-8"];
    private static readonly string[] VitalUnits = ["mm[Hg]", "/min", "%", "L/min"];
    private static readonly double[] VitalValues = [118, 88, 97, 1];

    /// <summary>A window longer than any record here (10 years).</summary>
    private const double WholeRecordSeconds = 10 * 365 * 86_400.0;

    /// <summary>1 µs between the feed's values (see <see cref="AppendAndDecide"/>).</summary>
    private const long FeedStepTicks = 10;

    private ProtocolRules _rules = null!;
    private PatientRecord _record = null!;
    private PatientTimeline _timeline = null!;
    private PatientTimeline _feed = null!;
    private PatientSnapshot _snapshot = null!;
    private int _heartRate;
    private long _appended;

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Observations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rules = BenchmarkData.CompileAndLoad(out _).Rules;
        _record = CreateLongRecord(Observations);
        _timeline = PatientTimeline.Create(_rules.Info, _record);
        _feed = PatientTimeline.Create(_rules.Info, _record);
        _snapshot = PatientSnapshot.Create(_timeline, BenchmarkData.At).Snapshot;
        _heartRate = _rules.Info.Observations.Single(o => o.Name == "heart-rate").Index;
        var decision = ProtocolEvaluator.Evaluate(_rules, _timeline, BenchmarkData.At);
        if (decision.Summary != ProtocolEvaluator.Evaluate(_rules, _record, BenchmarkData.At).Summary
            || ProtocolEvaluator.Decide(_rules, _timeline, BenchmarkData.At).Action != decision.Action)
        {
            throw new InvalidOperationException("the timeline and the record decide differently");
        }

        Console.WriteLine($"// {_record.Observations.Length} observations from {_record.Observations[0].At:u}; decision {decision.Action}: {decision.Summary}");
    }

    /// <summary>One decision at the end of the record, over a timeline bound once (a session's cost per decision).</summary>
    [Benchmark(Baseline = true)]
    public DoseDecision DecisionOverTimeline() => ProtocolEvaluator.Evaluate(_rules, _timeline, BenchmarkData.At);

    /// <summary>
    /// A bedside feed: one vital sign appended (1 µs after the previous one, the four in turn), then a decision at its
    /// time. The step is small so that the millions of calls a run makes stay within seconds of the benchmark moment:
    /// with a step of 0.1 s the decision time drifted hours past the record, every value went stale, and the run timed a
    /// different decision (a hold for missing data) from the one it set out to time.
    /// </summary>
    [Benchmark]
    public DoseDecision AppendAndDecide()
    {
        var k = _appended++;
        var at = BenchmarkData.At.AddTicks(k * FeedStepTicks);
        var vital = (int)(k % VitalCodes.Length);
        _feed.Append(RecordedObservation.Numeric(VitalCodes[vital], at, VitalValues[vital], VitalUnits[vital]));
        return ProtocolEvaluator.Evaluate(_rules, _feed, at);
    }

    /// <summary>The action only, over the timeline bound once (the explanation left until asked).</summary>
    [Benchmark]
    public DoseAction VerdictOverTimeline() => ProtocolEvaluator.Decide(_rules, _timeline, BenchmarkData.At).Action;

    /// <summary>A bedside feed asking for the action only: one vital sign appended (as in <see cref="AppendAndDecide"/>), then the verdict at its time.</summary>
    [Benchmark]
    public DoseAction AppendAndVerdict()
    {
        var k = _appended++;
        var at = BenchmarkData.At.AddTicks(k * FeedStepTicks);
        var vital = (int)(k % VitalCodes.Length);
        _feed.Append(RecordedObservation.Numeric(VitalCodes[vital], at, VitalValues[vital], VitalUnits[vital]));
        return ProtocolEvaluator.Decide(_rules, _feed, at).Action;
    }

    /// <summary>Sum and mean of the heart rate over the last 24 hours (1,440 values once the record is long enough).</summary>
    [Benchmark]
    public double Aggregate24h() => _snapshot.Sum(_heartRate, 86_400) + _snapshot.Mean(_heartRate, 86_400);

    /// <summary>Min and max of 1,440 heart rates (24 h): from the series' min/max tree once a window is long (O(log n)).</summary>
    [Benchmark]
    public double MinMax24h() => _snapshot.Min(_heartRate, 86_400) + _snapshot.Max(_heartRate, 86_400);

    /// <summary>Minimum and maximum of the heart rate over the whole record (a quarter of its entries): O(log n) from the tree, a scan of the series without it.</summary>
    [Benchmark]
    public double MinMaxWholeRecord() => _snapshot.Min(_heartRate, WholeRecordSeconds) + _snapshot.Max(_heartRate, WholeRecordSeconds);

    /// <summary>The stateless decision: reads the whole record again (O(n)).</summary>
    [Benchmark]
    public DoseDecision FullDecisionFromRecord() => ProtocolEvaluator.Evaluate(_rules, _record, BenchmarkData.At);

    /// <summary>The benchmark record plus vitals every minute and urine every 5 minutes up to 30 s before the decision.</summary>
    public static PatientRecord CreateLongRecord(int observations)
    {
        var record = BenchmarkData.CreateRecord();
        var extra = new List<RecordedObservation>(observations);
        // At half minutes, so that no synthetic value falls on the instant of one of the example's (they would disagree).
        var last = BenchmarkData.At.AddSeconds(-30);
        for (var minute = 0; extra.Count < observations - record.Observations.Length; minute++)
        {
            var t = last.AddMinutes(-minute);
            for (var v = 0; v < VitalCodes.Length; v++)
            {
                extra.Add(RecordedObservation.Numeric(VitalCodes[v], t, VitalValues[v], VitalUnits[v]));
            }

            if (minute % 5 == 0)
            {
                extra.Add(RecordedObservation.Numeric("9187-6", t, 25, "mL"));
            }
        }
        extra.Reverse();
        var all = record.Observations.AddRange(extra).Sort((a, b) => a.At.CompareTo(b.At));
        return record with { Observations = all };
    }
}
