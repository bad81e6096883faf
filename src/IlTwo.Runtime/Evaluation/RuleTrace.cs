using System.Collections.Immutable;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// One rule's own value at a moment — true, false or unknown (its data missing) — and every input it read, before the
/// course layer (permanence, resolution, persistence) and the schedule: what an editor's evaluate lens and a debugger show
/// rule by rule. The dose decision is <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>.
/// </summary>
public sealed record RuleTrace(string Id, string Title, RuleAction Action, string Condition, string DefinedIn, Truth Value, ImmutableArray<SeenValue> Values)
{
    /// <summary>Every rule of <paramref name="rules"/> at <paramref name="at"/>, in protocol order.</summary>
    public static ImmutableArray<RuleTrace> All(ProtocolRules rules, PatientRecord record, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(record);
        var info = rules.Info;
        var snapshot = PatientSnapshot.Create(PatientTimeline.Create(info, record), at).Snapshot;
        var truths = new Truth[CourseAssessment.SlotCount(info)];
        // Unknown, not False, is what a slot the protocol forgets to write must read as.
        Array.Fill(truths, Truth.Unknown);
        rules.EvaluateRules(snapshot, truths);
        return [.. info.Rules.Select((rule, i) => new RuleTrace(
            rule.Id, rule.Title, rule.Action, rule.Condition, rule.DefinedIn, truths[i],
            [.. rule.Inputs.Select(input => ProtocolEvaluator.See(snapshot, input))]))];
    }
}
