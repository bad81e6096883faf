using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// A one-shot decision from a record binds it into a timeline the thread keeps and binds the next record into
/// (<see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientRecord, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>,
/// and <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>):
/// it must decide as a timeline of the record's own does — on records with every kind of bad data, one after another,
/// from several threads at once, inside another decision, and across protocols — and a verdict must explain its own
/// record whatever was decided since.
/// </summary>
public sealed class PooledDecisionTests
{
    private static readonly ProtocolRules Rules = TestProtocol.Instance;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_pooled_verdict_and_decision_are_those_of_a_timeline_of_the_record(int seed)
    {
        var random = new Random(seed);
        var actions = new int[3];
        for (var i = 0; i < 400; i++)
        {
            var record = RandomRecord(random);
            var at = CheckAt.AddMinutes(random.Next(-120, 180));
            var expected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, record), at);
            var verdict = ProtocolEvaluator.Decide(Rules, record, at);
            actions[(int)expected.Action]++;
            Assert.Equal(expected.Action, verdict.Action);
            Assert.Equal(expected.DoseNumber, verdict.DoseNumber);
            Assert.Equal(at, verdict.At);
            Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(Rules, record, at)));
            Assert.Equal(Json(expected), Json(verdict.Explain()));
        }
        Assert.All(actions, count => Assert.True(count > 0, $"give/hold/discontinue: {string.Join("/", actions)}"));
    }

    /// <summary>A verdict keeps its record, not the pooled timeline: deciding others in between changes nothing of its explanation.</summary>
    [Fact]
    public void A_verdict_explains_its_own_record_after_other_records_were_decided()
    {
        var random = new Random(7);
        var records = Enumerable.Range(0, 60).Select(_ => RandomRecord(random)).ToList();
        var verdicts = records.Select(r => ProtocolEvaluator.Decide(Rules, r, CheckAt)).ToList();
        for (var i = records.Count - 1; i >= 0; i--)
        {
            var expected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, records[i]), CheckAt);
            Assert.Equal(Json(expected), Json(verdicts[i].Explain()));
            Assert.Equal(expected.Action, verdicts[i].Action);
        }
    }

    [Fact]
    public void Threads_deciding_at_once_each_decide_their_own_records()
    {
        const int Threads = 4;
        var work = Enumerable.Range(0, Threads).Select(t =>
        {
            var random = new Random(100 + t);
            return Enumerable.Range(0, 150).Select(_ =>
            {
                var record = RandomRecord(random);
                var at = CheckAt.AddMinutes(-random.Next(0, 300));
                return (Record: record, At: at, Expected: ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, record), at));
            }).ToList();
        }).ToList();

        using var start = new Barrier(Threads);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = work.Select((items, t) => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 5; round++)
            {
                foreach (var (record, at, expected) in items)
                {
                    var verdict = ProtocolEvaluator.Decide(Rules, record, at);
                    if (verdict.Action != expected.Action || verdict.DoseNumber != expected.DoseNumber)
                    {
                        failures.Add($"thread {t}: verdict {verdict.Action}, expected {expected.Action}");
                    }

                    if (round == 0 && Json(ProtocolEvaluator.Evaluate(Rules, record, at)) != Json(expected))
                    {
                        failures.Add($"thread {t}: the pooled decision differs from the record's own timeline's");
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    /// <summary>A rule that decides another record while it is evaluated (a protocol calling the engine): the inner call must not take the outer one's timeline.</summary>
    [Fact]
    public void A_decision_inside_a_decision_binds_a_timeline_of_its_own()
    {
        var inner = new Patient().With(RecordedObservation.Numeric("8480-6", Day2.AddHours(5.5), 70, "mm[Hg]")).Build();
        var nesting = new Nesting(inner);
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            var record = RandomRecord(random);
            var expected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, record), CheckAt);
            Assert.Equal(expected.Action, ProtocolEvaluator.Decide(nesting, record, CheckAt).Action);
            Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(nesting, record, CheckAt)));
        }
        Assert.True(nesting.Inner > 0);
        Assert.All(nesting.InnerActions, a => Assert.Equal(DoseAction.Hold, a));
    }

    /// <summary>More protocols than a thread keeps timelines for, in turn: each decision is still its protocol's.</summary>
    [Fact]
    public void Protocols_decided_in_turn_each_bind_to_their_own()
    {
        var protocols = Enumerable.Range(0, 6).Select(i => (ProtocolRules)new Renamed($"test-{i}")).Prepend(Rules).ToList();
        var random = new Random(9);
        for (var i = 0; i < 200; i++)
        {
            var rules = protocols[random.Next(protocols.Count)];
            var record = RandomRecord(random);
            var expected = ProtocolEvaluator.Evaluate(rules, PatientTimeline.Create(rules.Info, record), CheckAt);
            Assert.Equal(expected.Action, ProtocolEvaluator.Decide(rules, record, CheckAt).Action);
            Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(rules, record, CheckAt)));
        }
    }

    /// <summary>A long record grows the pooled timeline past what a thread keeps: the next (short) record still decides right.</summary>
    [Fact]
    public void A_long_record_between_short_ones_changes_nothing()
    {
        var random = new Random(3);
        var small = RandomRecord(random);
        var expected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, small), CheckAt);
        Assert.Equal(expected.Action, ProtocolEvaluator.Decide(Rules, small, CheckAt).Action);

        var urine = Enumerable.Range(0, DecisionScratch.RetainLimit + 100)
            .Select(k => RecordedObservation.Numeric("urine-output", CheckAt.AddSeconds(-k * 5), 1, "mL"));
        var patient = new Patient().Build();
        var longRecord = patient with { Observations = [.. patient.Observations, .. urine] };
        var longExpected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, longRecord), CheckAt);
        Assert.Equal(Json(longExpected), Json(ProtocolEvaluator.Evaluate(Rules, longRecord, CheckAt)));

        Assert.Equal(expected.Action, ProtocolEvaluator.Decide(Rules, small, CheckAt).Action);
        Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(Rules, small, CheckAt)));
    }

    /// <summary>
    /// What a decision hands out is values, never views of the pooled timeline: every explained decision (its seen values,
    /// missing data, data errors, course findings) and every verdict's explanation reads the same after the thread has
    /// bound dozens of other records into the same timeline and decided them at other moments.
    /// </summary>
    [Fact]
    public void Decisions_handed_out_do_not_change_when_the_thread_decides_other_records()
    {
        var random = new Random(11);
        var records = Enumerable.Range(0, 80).Select(_ => RandomRecord(random)).ToList();
        var decisions = records.Select(r => ProtocolEvaluator.Evaluate(Rules, r, CheckAt)).ToList();
        var verdicts = records.Select(r => ProtocolEvaluator.Decide(Rules, r, CheckAt)).ToList();
        var texts = decisions.Select(Json).ToList();
        var seen = decisions.Select(Seen).ToList();

        // Other records, other moments, the explained and the unexplained path, on the same thread and protocol.
        foreach (var record in Enumerable.Range(0, 80).Select(_ => RandomRecord(random)))
        {
            var at = CheckAt.AddMinutes(random.Next(-600, 600));
            ProtocolEvaluator.Evaluate(Rules, record, at);
            ProtocolEvaluator.Decide(Rules, record, at).Explain();
        }

        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(texts[i], Json(decisions[i]));
            Assert.Equal(seen[i], Seen(decisions[i]));
            Assert.Equal(texts[i], Json(verdicts[i].Explain()));
        }
        // The sample has what could be shared: values seen, data missing, data errors, a course stopped.
        Assert.Contains(decisions, d => d.Rules.Any(r => !r.Values.IsEmpty));
        Assert.Contains(decisions, d => !d.Missing.IsEmpty);
        Assert.Contains(decisions, d => !d.DataErrors.IsEmpty);
        Assert.Contains(decisions, d => d.Course.Stop is not null);

        static string Seen(DoseDecision d) => string.Join("|", d.Rules.SelectMany(r => r.Values).Concat(d.Course.Stop?.Values ?? [])
            .Select(v => v.ToString()).Concat(d.Missing.Select(m => m.ToString())));
    }

    /// <summary>
    /// A record that throws while it is bound (a null entry after good ones, a null code) leaves the thread's pooled
    /// timeline usable: the next records decide as timelines of their own, and still bind into the pool (the scratch is
    /// not left "in use", which would make every later call allocate a fresh one).
    /// </summary>
    [Fact]
    public void An_exception_while_binding_leaves_the_pool_usable()
    {
        var random = new Random(13);
        var good = RandomRecord(random);
        var nullEntry = good with { Observations = [.. good.Observations.Take(3), null!, .. good.Observations.Skip(3)] };
        var nullCode = good with { Observations = [.. good.Observations, RecordedObservation.Numeric(null!, CheckAt, 100, "mm[Hg]")] };
        foreach (var broken in new[] { nullEntry, nullCode })
        {
            Assert.ThrowsAny<Exception>(() => ProtocolEvaluator.Decide(Rules, broken, CheckAt));
            Assert.ThrowsAny<Exception>(() => ProtocolEvaluator.Evaluate(Rules, broken, CheckAt));
            AssertNextRecordsDecideAsTheirOwn(random);
        }

        AssertPooled();
    }

    /// <summary>Rules that throw at the decision time or at an earlier point of the course: the pool is left usable as well.</summary>
    [Fact]
    public void An_exception_in_the_rules_leaves_the_pool_usable()
    {
        var random = new Random(17);
        var record = RandomRecord(random) with { Doses = [new RecordedDose(Day1.AddHours(8), DoseStatus.Given), new RecordedDose(Day1.AddHours(16), DoseStatus.Given)] };
        foreach (var pastPoint in new[] { false, true })
        {
            var throwing = new Throwing(pastPoint);
            Assert.Throws<InvalidOperationException>(() => ProtocolEvaluator.Decide(throwing, record, CheckAt));
            Assert.Throws<InvalidOperationException>(() => ProtocolEvaluator.Evaluate(throwing, record, CheckAt));
            AssertNextRecordsDecideAsTheirOwn(random);
        }

        AssertPooled();
    }

    /// <summary>After a failed call, 30 random records still decide through the pool as timelines of their own do.</summary>
    private static void AssertNextRecordsDecideAsTheirOwn(Random random)
    {
        for (var i = 0; i < 30; i++)
        {
            var record = RandomRecord(random);
            var expected = ProtocolEvaluator.Evaluate(Rules, PatientTimeline.Create(Rules.Info, record), CheckAt);
            Assert.Equal(expected.Action, ProtocolEvaluator.Decide(Rules, record, CheckAt).Action);
            Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(Rules, record, CheckAt)));
        }
    }

    /// <summary>The thread's scratch is reused: a clean verdict allocates under a kilobyte (a fresh scratch and timeline would not).</summary>
    private static void AssertPooled()
    {
        var clean = new Patient().Build();
        ProtocolEvaluator.Decide(Rules, clean, CheckAt);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ProtocolEvaluator.Decide(Rules, clean, CheckAt);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;
        Assert.True(perCall < 1024, $"{perCall:F0} B per verdict after the exception: the pool was not reused");
    }

    /// <summary>The point of pooling: a verdict from a clean record allocates little more than the verdict (issue 15: at most 1 KB).</summary>
    [Fact]
    public void A_pooled_verdict_from_a_clean_record_allocates_under_a_kilobyte()
    {
        var record = new Patient().Build();
        for (var i = 0; i < 200; i++)
        {
            ProtocolEvaluator.Decide(Rules, record, CheckAt);
        }

        const int Calls = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            ProtocolEvaluator.Decide(Rules, record, CheckAt);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
        Assert.True(perCall < 1024, $"{perCall:F0} B per verdict");
    }

    private static string Json(DoseDecision decision) => DoseDecisionJson.Serialize(decision);

    /// <summary>
    /// The test patient disturbed: values dropped, added (other codes, near-miss codes, other and wrong units, values
    /// that are not finite, a second value at a charted instant that agrees or not, yes/no for a number), doses given
    /// and held, no TIL infusion, no or an implausible weight, a course stopped by the record.
    /// </summary>
    internal static PatientRecord RandomRecord(Random random)
    {
        var patient = new Patient();
        var observations = patient.Observations.Where(_ => random.Next(12) != 0).ToList();
        string[] codes = ["8480-6", "sbp", "SBP", "2160-0", "creatinine", "creatinin", "urine-output", "urine_output", "confusion", "heart-rate", "9999-9"];
        for (var n = random.Next(3) == 0 ? 0 : random.Next(0, 10); n > 0; n--)
        {
            var code = codes[random.Next(codes.Length)];
            var t = random.Next(5) == 0 && observations.Count > 0 ? observations[random.Next(observations.Count)].At : Day2.AddMinutes(random.Next(-20 * 60, 6 * 60));
            var value = random.Next(30) == 0 ? double.NaN : Math.Round(random.NextDouble() * 200, 1);
            string? unit = random.Next(8) switch
            {
                0 => "kPa",
                1 => "umol/L",
                2 => "L",
                3 => "furlong",
                _ => code switch
                {
                    "8480-6" or "sbp" or "SBP" => "mm[Hg]",
                    "2160-0" or "creatinine" or "creatinin" => "mg/dL",
                    _ => "mL",
                },
            };
            observations.Add(code == "confusion" || random.Next(25) == 0
                ? RecordedObservation.YesNo(code, t, random.Next(4) == 0)
                : RecordedObservation.Numeric(code, t, code.StartsWith("creatinin", StringComparison.Ordinal) || code == "2160-0" ? value / 40 : value, unit));
        }
        if (random.Next(2) == 0)
        {
            observations.Sort((a, b) => a.At.CompareTo(b.At));
        }

        var doses = patient.Doses.ToList();
        for (var n = random.Next(3) == 0 ? random.Next(0, 4) : 0; n > 0; n--)
        {
            doses.Add(new RecordedDose(Day1.AddHours(random.Next(6, 30)), random.Next(4) == 0 ? DoseStatus.Held : DoseStatus.Given));
        }

        var events = random.Next(8) == 0 ? [] : patient.Events.ToList();
        if (random.Next(15) == 0)
        {
            events.Add(new RecordedEvent(CourseAssessment.CourseStopEvent, Day2.AddHours(random.Next(0, 6))));
        }

        MeasuredValue? weight = random.Next(10) switch { 0 => null, 1 => new MeasuredValue(70, "g"), 2 => new MeasuredValue(70, "furlong"), _ => new MeasuredValue(40 + random.Next(80), "kg") };
        return new PatientRecord("p" + random.Next(1000), weight, [.. events], [.. doses], [.. observations]);
    }

    /// <summary>The test protocol, deciding another record with the engine each time it evaluates its rules.</summary>
    private sealed class Nesting(PatientRecord inner) : ProtocolRules
    {
        public override ProtocolInfo Info => TestProtocol.Description;

        public int Inner { get; private set; }

        public List<DoseAction> InnerActions { get; } = [];

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
        {
            Inner++;
            if (InnerActions.Count < 50)
            {
                InnerActions.Add(ProtocolEvaluator.Decide(Rules, inner, CheckAt).Action);
            }
            else
            {
                ProtocolEvaluator.Evaluate(Rules, inner, CheckAt);
            }

            TestProtocol.Instance.EvaluateRules(snapshot, results);
        }
    }

    /// <summary>The test protocol, throwing at the decision time or (<paramref name="pastPoint"/>) at an earlier point of the course.</summary>
    private sealed class Throwing(bool pastPoint) : ProtocolRules
    {
        public override ProtocolInfo Info => TestProtocol.Description;

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
        {
            if (!pastPoint)
            {
                throw new InvalidOperationException("a rule failed");
            }

            TestProtocol.Instance.EvaluateRules(snapshot, results);
        }

        public override void EvaluatePastPoint(PatientSnapshot snapshot, Span<Truth> results) =>
            throw new InvalidOperationException("a rule failed at an earlier point");
    }

    /// <summary>The test protocol under another description (another protocol to the engine).</summary>
    private sealed class Renamed(string id) : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with { Id = id };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
    }
}
