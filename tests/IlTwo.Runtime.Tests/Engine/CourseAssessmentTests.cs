using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// The engine's course layer on the hand-written test protocol (no compiler involved): a discontinue rule met at an
/// earlier dose slot stops the course, the record can stop it, a hold with <c>until</c> stays until resolved.
/// </summary>
public sealed class CourseAssessmentTests
{
    private static readonly Patient Normal = new();

    /// <summary>The test protocol with <c>until confusion is no</c> on its confusion hold rule (slot 4).</summary>
    private sealed class UntilProtocol : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Rules = [.. TestProtocol.Description.Rules.Select(r => r.Id != "confusion" ? r : r with
            {
                Until = new ExtraConditionInfo(4, "confusion is no")
                {
                    Inputs = [new RuleInputInfo { Kind = InputKind.Latest, Index = TestProtocol.Confusion, Text = "confusion" }],
                },
            })],
            ConditionSlots = 5,
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
        {
            TestProtocol.Instance.EvaluateRules(snapshot, results);
            if (results.Length > 4)
            {
                results[4] = Logic.Is(snapshot.Latest(TestProtocol.Confusion), false);
            }
        }
    }

    [Fact]
    public void A_stop_met_at_an_earlier_dose_slot_outlasts_a_normal_value_now()
    {
        var patient = Normal.With(RecordedObservation.Numeric("2160-0", Day1.AddHours(21), 3.5, "mg/dL"));

        var decision = ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), CheckAt);

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        var stop = Assert.IsType<CourseStop>(decision.Course.Stop);
        Assert.Equal(("creatinine-high", Day1.AddHours(22)), (stop.RuleId, stop.At));
        Assert.Equal(3.5, Assert.Single(stop.Values).Value!.Value, 9);
        Assert.Equal("creatinine-high", decision.Rules[0].Id);
        Assert.Contains("IL-2 stopped for the course since", decision.Summary);
    }

    [Fact]
    public void Missing_data_at_an_earlier_slot_never_makes_a_stop()
    {
        // No creatinine before the doses: the earlier slots are unknown for the stop rule, never a stop.
        var decision = ProtocolEvaluator.Evaluate(TestProtocol.Instance, Normal.Build(), CheckAt);

        Assert.Equal(DoseAction.Give, decision.Action);
        Assert.True(decision.Course.IsEmpty);
        Assert.DoesNotContain("\"course\"", DoseDecisionJson.Serialize(decision));
    }

    [Fact]
    public void A_course_stop_event_in_the_record_is_honoured()
    {
        var patient = Normal with { Events = Normal.Events.Add(new RecordedEvent(CourseAssessment.CourseStopEvent, Day2.AddHours(1))) };

        var decision = ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), CheckAt);

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        Assert.True(decision.Course.Stop!.ByRecord);
        Assert.Contains("\"byRecord\":true", DoseDecisionJson.Serialize(decision));
        // Before the stop was recorded, it does not act.
        Assert.Null(ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), Day2.AddHours(0.5)).Course.Stop);
    }

    [Fact]
    public void A_hold_without_until_is_not_carried_over_from_earlier_slots()
    {
        var patient = Normal.Without("confusion").With(RecordedObservation.YesNo("confusion", Day1.AddHours(13), true));

        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), CheckAt).Action);
    }

    [Fact]
    public void A_hold_with_until_stays_until_a_later_value_resolves_it()
    {
        var stale = Normal.Without("confusion").With(RecordedObservation.YesNo("confusion", Day1.AddHours(13), true));

        var held = ProtocolEvaluator.Evaluate(new UntilProtocol(), stale.Build(), CheckAt);
        Assert.Equal(DoseAction.Hold, held.Action);
        var hold = Assert.Single(held.Course.Unresolved);
        Assert.Equal(("confusion", Day1.AddHours(13), "confusion is no"), (hold.RuleId, hold.Since, hold.Resolution));
        Assert.Contains("unresolved since", held.Summary);

        var resolved = stale.With(RecordedObservation.YesNo("confusion", Day2.AddHours(5), false));
        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(new UntilProtocol(), resolved.Build(), CheckAt).Action);

        // A "no" charted before the trigger resolves nothing.
        var before = stale.With(RecordedObservation.YesNo("confusion", Day1.AddHours(12), false));
        Assert.Equal(DoseAction.Hold, ProtocolEvaluator.Evaluate(new UntilProtocol(), before.Build(), CheckAt).Action);
    }
}
