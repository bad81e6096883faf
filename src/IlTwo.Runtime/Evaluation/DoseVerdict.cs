using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// The action for one dose without its explanation: what a bedside feed asks after every value. <see cref="Explain"/>
/// builds the full <see cref="DoseDecision"/> (rules, values seen, missing data, schedule, summary) when it is wanted;
/// its action is this one. See <see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientTimeline, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>
/// and <see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientRecord, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>.
/// </summary>
public sealed class DoseVerdict
{
    private readonly ProtocolRules _rules;
    private readonly PatientTimeline? _timeline;
    private readonly PatientRecord? _record;
    private readonly int _version;
    private readonly IReadOnlyList<RecordIssue>? _readIssues;

    internal DoseVerdict(ProtocolRules rules, PatientTimeline timeline, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues, DoseAction action, int doseNumber)
    {
        _rules = rules;
        _timeline = timeline;
        _version = timeline.Version;
        _readIssues = readIssues;
        At = at;
        Action = action;
        DoseNumber = doseNumber;
    }

    /// <summary>A verdict for a record (decided over a pooled timeline it does not keep): explained by binding the record again.</summary>
    internal DoseVerdict(ProtocolRules rules, PatientRecord record, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues, DoseAction action, int doseNumber)
    {
        _rules = rules;
        _record = record;
        _readIssues = readIssues;
        At = at;
        Action = action;
        DoseNumber = doseNumber;
    }

    public DoseAction Action { get; }

    /// <summary>The moment the verdict is for.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The number this dose would be: given plus held dose slots so far, plus one.</summary>
    public int DoseNumber { get; }

    /// <summary>
    /// The explained decision for the same record and moment. A verdict over a timeline needs the timeline unchanged since
    /// (an explanation of another record would not be this verdict's): that throws <see cref="InvalidOperationException"/>.
    /// A verdict for a record explains that record (it is immutable), bound again.
    /// </summary>
    public DoseDecision Explain(TimeZoneInfo? timeZone = null)
    {
        if (_record is not null)
        {
            return ProtocolEvaluator.Evaluate(_rules, _record, At, readIssues: _readIssues, timeZone: timeZone);
        }

        if (_timeline!.Version != _version)
        {
            throw new InvalidOperationException("the timeline changed after this verdict: decide again to explain the record as it is now");
        }

        return ProtocolEvaluator.Evaluate(_rules, _timeline, At, readIssues: _readIssues, timeZone: timeZone);
    }
}
