using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// What a one-shot decision from a record (<see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientRecord, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>,
/// <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>)
/// binds the record into: per thread, per protocol, a timeline reset and bound again for each record instead of
/// allocated, with its snapshot and course context. Nothing of it is handed out (a verdict keeps the record, not the
/// timeline), so no two calls share it: each thread has its own, and a call made while one is under way on the same
/// thread (a rule deciding inside a decision) gets a fresh one. After a call the timeline lets go of the record.
/// </summary>
internal sealed class DecisionScratch
{
    /// <summary>A pooled timeline whose stores grew past this many values (a long record) is not kept: the next call allocates again.</summary>
    internal const int RetainLimit = 16_384;

    /// <summary>How many protocols a thread keeps a timeline for (a service deciding by several protocols in turn).</summary>
    private const int Protocols = 4;

    [ThreadStatic]
    private static DecisionScratch? s_current;

    private readonly Pooled?[] _pooled = new Pooled?[Protocols];
    private bool _inUse;
    private int _next;
    private Pooled? _bound;

    /// <summary>This thread's scratch, or (while it is in use) a fresh one; <see cref="Return"/> it when done.</summary>
    public static DecisionScratch Rent()
    {
        var scratch = s_current ??= new DecisionScratch();
        if (scratch._inUse)
        {
            scratch = new DecisionScratch();
        }

        scratch._inUse = true;
        return scratch;
    }

    /// <summary>
    /// The course context for a decision over a caller's timeline (<see cref="ProtocolEvaluator.Decide(ProtocolRules, PatientTimeline, DateTimeOffset, IReadOnlyList{RecordIssue}?)"/>):
    /// its arrays and per-protocol lists are reused; what it holds of the timeline is let go after each call.
    /// </summary>
    public CourseAssessment.Context Course { get; } = new();

    /// <summary>The pooled timeline for <paramref name="protocol"/>, bound to <paramref name="record"/>.</summary>
    public Pooled Bind(ProtocolInfo protocol, PatientRecord record)
    {
        if (record.Observations.Length > RetainLimit)
        {
            // A long record: a timeline of its own, each series sized once by the counting pass (a pooled one would grow
            // them 4, 8, 16… and then be dropped as too large to keep).
            return new Pooled(PatientTimeline.Create(protocol, record));
        }

        Pooled? pooled = null;
        foreach (var candidate in _pooled)
        {
            if (candidate is not null && ReferenceEquals(candidate.Timeline.Protocol, protocol))
            {
                pooled = candidate;
                break;
            }
        }
        if (pooled is null)
        {
            pooled = new Pooled(PatientTimeline.CreatePooled(protocol));
            _pooled[_next] = pooled;
            _next = (_next + 1) % Protocols;
        }

        _bound = pooled;
        pooled.Timeline.Rebind(record);
        return pooled;
    }

    /// <summary>Ends the call: the timeline bound lets go of its record, and is dropped when it grew large.</summary>
    public void Return()
    {
        Course.Release(forgetTimeline: true);
        if (_bound is { } pooled)
        {
            _bound = null;
            pooled.Timeline.Release();
            pooled.Course.Release(forgetTimeline: false);
            if (pooled.Timeline.RetainedCapacity() > RetainLimit)
            {
                var i = Array.IndexOf(_pooled, pooled);
                if (i >= 0)
                {
                    _pooled[i] = null;
                }
            }
        }
        _inUse = false;
    }

    /// <summary>One protocol's pooled timeline, the decision-time snapshot bound over it, and the course context.</summary>
    internal sealed class Pooled(PatientTimeline timeline)
    {
        public PatientTimeline Timeline { get; } = timeline;

        /// <summary>The decision-time snapshot of the last call, bound again by the next (null before the first).</summary>
        public PatientSnapshot? Now { get; set; }

        public CourseAssessment.Context Course { get; } = new();
    }
}
