using CsCheck;
using IlTwo.Dsl.Compilation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>
/// A bedside feed appends to a <see cref="PatientTimeline"/> and asks again: each decision must be the one a full
/// evaluation of the same record gives (<see cref="PatientTimeline.ToRecord"/>), whatever the order of the appends —
/// values charted late, corrections, disagreeing and implausible values included.
/// </summary>
public sealed class IncrementalEvaluationTests
{
    [Theory]
    [InlineData("post-til-il2", false)]
    [InlineData("hd-il2-monotherapy", true)]
    [InlineData("post-til-il2", true)]
    public void Appending_in_any_order_decides_as_a_full_evaluation(string name, bool history) =>
        Agree(TestProtocols.Compile(TestProtocols.Shipped(name)), history, iterations: 150);

    [Theory]
    [InlineData("course-base")]
    [InlineData("course-extension")]
    public void Appending_decides_as_a_full_evaluation_over_the_course(string name) =>
        Agree(TestProtocols.Compile(Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", name + ".il2")), history: true, iterations: 100);

    [Fact]
    public void Appending_decides_as_a_full_evaluation_on_the_data_check_protocol() =>
        Agree(TestProtocols.Compile(Path.Combine(Infrastructure.TestPaths.TestProject, "Scenarios", "data-checks.il2")), history: false, iterations: 150);

    /// <summary>
    /// The scenarios that give, their entries appended in shuffled orders (seeded, so a failure replays) from an empty
    /// record: each decision on the way, and the give at the end, as a full evaluation of the same record gives it.
    /// </summary>
    [Theory]
    [InlineData("hd-il2-monotherapy")]
    [InlineData("post-til-il2")]
    public void Appending_a_giving_record_in_any_order_decides_as_a_full_evaluation(string name)
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped(name));
        using var compiled = TestProtocols.Load(compilation);
        var rules = compiled.Rules;
        var at = IlTwo.Dsl.Evaluation.ScenarioRunner.Now;
        var giving = compilation.Chain.SelectMany(c => c.Protocol.Scenarios)
            .Select(s => IlTwo.Dsl.Evaluation.ScenarioRunner.ToRecord(s, at))
            .Where(r => ProtocolEvaluator.Evaluate(rules, r, at).Action == DoseAction.Give)
            .ToList();
        Assert.NotEmpty(giving);
        var gives = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var record = giving[seed % giving.Count];
            var timeline = PatientTimeline.Create(rules.Info, record with { Events = [], Doses = [], Observations = [] });
            var queue = new List<Action>();
            queue.AddRange(record.Observations.Select(o => (Action)(() => timeline.Append(o))));
            queue.AddRange(record.Doses.Select(d => (Action)(() => timeline.Append(d))));
            queue.AddRange(record.Events.Select(e => (Action)(() => timeline.Append(e))));
            random.Shuffle(CollectionsMarshalSpan(queue));
            foreach (var append in queue)
            {
                append();
                var expected = ProtocolEvaluator.Evaluate(rules, timeline.ToRecord(), at);
                Assert.Equal(Json(expected), Json(ProtocolEvaluator.Evaluate(rules, timeline, at)));
                Assert.Equal(expected.Action, ProtocolEvaluator.Decide(rules, timeline, at).Action);
            }
            var final = ProtocolEvaluator.Evaluate(rules, timeline, at);
            gives += final.Action == DoseAction.Give ? 1 : 0;
        }
        // Appending the whole record in any order ends with the record's own decision: a give.
        Assert.Equal(20, gives);
    }

    /// <summary>An implausible value appended now holds the dose (it is a data error), as it does in the full record.</summary>
    [Fact]
    public void An_implausible_value_appended_to_a_giving_record_holds()
    {
        var (rules, timeline, at) = GivingTimeline();
        var sbp = Observation(rules.Info, "sbp");
        timeline.Append(RecordedObservation.Numeric(sbp.Name, at.AddMinutes(-1), 1000, sbp.Unit!));

        var decision = ProtocolEvaluator.Evaluate(rules, timeline, at);
        Assert.Equal(DoseAction.Hold, decision.Action);
        Assert.Contains(decision.DataErrors, e => e.Code == sbp.Name);
        Assert.Equal(Json(ProtocolEvaluator.Evaluate(rules, timeline.ToRecord(), at)), Json(decision));
    }

    /// <summary>Two values of one observation at one instant that disagree, appended one after the other: the observation is unknown there.</summary>
    [Fact]
    public void A_disagreeing_value_appended_at_the_same_instant_holds()
    {
        var (rules, timeline, at) = GivingTimeline();
        var sbp = Observation(rules.Info, "sbp");
        var when = at.AddMinutes(-1);
        timeline.Append(RecordedObservation.Numeric(sbp.Name, when, 120, sbp.Unit!));
        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(rules, timeline, at).Action);

        timeline.Append(RecordedObservation.Numeric(sbp.Name, when, 121, sbp.Unit!));
        var decision = ProtocolEvaluator.Evaluate(rules, timeline, at);
        Assert.Equal(DoseAction.Hold, decision.Action);
        Assert.Contains(decision.DataErrors, e => e.Code == sbp.Name && e.Message.Contains("disagree", StringComparison.Ordinal));
        Assert.Equal(Json(ProtocolEvaluator.Evaluate(rules, timeline.ToRecord(), at)), Json(decision));
    }

    /// <summary>A correction replaces the entry where it stands: the corrected value decides, not the first one.</summary>
    [Fact]
    public void A_correction_replaces_the_value_it_corrects()
    {
        var (rules, timeline, at) = GivingTimeline();
        var sbp = Observation(rules.Info, "sbp");
        timeline.Append(RecordedObservation.Numeric(sbp.Name, at.AddMinutes(-1), 70, sbp.Unit!));
        Assert.NotEqual(DoseAction.Give, ProtocolEvaluator.Evaluate(rules, timeline, at).Action);

        timeline.Correct(timeline.ObservationCount - 1, RecordedObservation.Numeric(sbp.Name, at.AddMinutes(-1), 120, sbp.Unit!));
        var decision = ProtocolEvaluator.Evaluate(rules, timeline, at);
        Assert.Equal(DoseAction.Give, decision.Action);
        Assert.Equal(Json(ProtocolEvaluator.Evaluate(rules, timeline.ToRecord(), at)), Json(decision));
    }

    [Fact]
    public void A_timeline_of_another_protocol_is_refused()
    {
        var (rules, timeline, at) = GivingTimeline();
        using var other = TestProtocols.Load(TestProtocols.Compile(TestProtocols.Shipped("post-til-il2")));
        Assert.Throws<ArgumentException>(() => ProtocolEvaluator.Evaluate(other.Rules, timeline, at));
        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(rules, timeline, at).Action);
    }

    private static void Agree(ProtocolCompilation compilation, bool history, int iterations)
    {
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var compiled = TestProtocols.Load(compilation);
        var rules = compiled.Rules;
        var actions = new int[3];
        var corrections = 0;

        Gen.Select(RandomRecords.For(compilation, history), Gen.Int, RandomRecords.For(compilation, history)).Sample((record, seed, other) =>
        {
            // The record in a random order of appends (values charted late are common at the bedside), starting from a random prefix.
            var random = new Random(seed);
            var observations = record.Observations.ToArray();
            random.Shuffle(observations);
            var doses = record.Doses.ToArray();
            random.Shuffle(doses);
            var events = record.Events.ToArray();
            var split = random.Next(observations.Length + 1);
            var initial = new PatientRecord(record.PatientId, record.Weight, [], [], [.. observations.Take(split)]);
            var timeline = PatientTimeline.Create(rules.Info, initial);

            var queue = new List<Action>();
            queue.AddRange(observations.Skip(split).Select(o => (Action)(() => timeline.Append(o))));
            queue.AddRange(doses.Select(d => (Action)(() => timeline.Append(d))));
            queue.AddRange(events.Select(e => (Action)(() => timeline.Append(e))));
            // Values of another random record: other times, other units, out-of-range values, mistyped codes; and
            // sometimes a second value at an instant already charted, agreeing or not.
            queue.AddRange(other.Observations.Take(random.Next(4)).Select(o => (Action)(() => timeline.Append(o))));
            if (observations.Length > 0 && random.Next(2) == 0)
            {
                var twin = observations[random.Next(observations.Length)];
                queue.Add(() => timeline.Append(twin.Value is { } v ? twin with { Value = random.Next(2) == 0 ? v : v + 7 } : twin with { Flag = !twin.Flag }));
            }
            random.Shuffle(CollectionsMarshalSpan(queue));

            for (var step = 0; step < queue.Count; step++)
            {
                queue[step]();
                if (timeline.ObservationCount > 0 && random.Next(16) == 0)
                {
                    var index = random.Next(timeline.ObservationCount);
                    var entry = timeline.Entry(index);
                    timeline.Correct(index, entry.Value is { } v ? entry with { Value = v * 1.5 } : entry with { Flag = !entry.Flag });
                    corrections++;
                }
                // Ask now and then (a consumer need not ask after every append), and always at the end.
                if (step % 3 != 2 && step != queue.Count - 1)
                {
                    continue;
                }

                var full = timeline.ToRecord();
                foreach (var at in new[] { RandomRecords.At, RandomRecords.At.AddHours(-5) })
                {
                    var incremental = ProtocolEvaluator.Evaluate(rules, timeline, at);
                    var expected = ProtocolEvaluator.Evaluate(rules, full, at);
                    if (Json(incremental) != Json(expected) || ProtocolEvaluator.Decide(rules, timeline, at).Action != expected.Action)
                    {
                        return false;
                    }

                    actions[(int)incremental.Action]++;
                }
            }
            return true;
        }, iter: iterations, threads: 1);

        // The decisions compared must reach hold and discontinue, or agreement proves little. Random records rarely give
        // (post-til-il2 gave 0 of 2,080 decisions in one run of 150 records, so requiring a give here failed about one run
        // in six): giving records are appended in shuffled orders below.
        Assert.All(actions[1..], count => Assert.True(count > 0, $"outcome counts give/hold/discontinue: {string.Join("/", actions)}"));
        Assert.True(corrections > 0);
    }

    private static Span<Action> CollectionsMarshalSpan(List<Action> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    /// <summary>The monotherapy protocol's first giving scenario, as a timeline, with its moment.</summary>
    private static (ProtocolRules Rules, PatientTimeline Timeline, DateTimeOffset At) GivingTimeline()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("hd-il2-monotherapy"));
        var rules = Monotherapy.Value.Rules;
        var at = IlTwo.Dsl.Evaluation.ScenarioRunner.Now;
        foreach (var scenario in compilation.Protocol.Scenarios)
        {
            var record = IlTwo.Dsl.Evaluation.ScenarioRunner.ToRecord(scenario, at);
            if (ProtocolEvaluator.Evaluate(rules, record, at).Action == DoseAction.Give)
            {
                return (rules, PatientTimeline.Create(rules.Info, record), at);
            }
        }
        throw new InvalidOperationException("hd-il2-monotherapy has no giving scenario");
    }

    /// <summary>Loaded once for the class (a loaded protocol stays loaded for the test run).</summary>
    private static readonly Lazy<CompiledProtocol> Monotherapy = new(() => TestProtocols.Load(TestProtocols.Compile(TestProtocols.Shipped("hd-il2-monotherapy"))));

    private static ObservationInfo Observation(ProtocolInfo info, string name) => info.Observations.Single(o => o.Name == name);

    private static string Json(DoseDecision decision) => DoseDecisionJson.Serialize(decision);
}
