using System.Collections.Immutable;
using System.Globalization;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>Where a replay starts and stops, and the reader's notes to explain missing data with.</summary>
public sealed record CourseOptions
{
    /// <summary>The first decision time; null: see <see cref="CourseSimulator.DefaultStart"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>No decision after this time; null: until the course stops.</summary>
    public DateTimeOffset? To { get; init; }

    public IReadOnlyList<RecordIssue>? ReadIssues { get; init; }

    /// <summary>The time zone the decisions' text writes times in (UTC when null).</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>A guard against a protocol whose schedule never ends.</summary>
    public int MaxSteps { get; init; } = 500;
}

/// <summary>One decision of a replay. <see cref="UsesSlot"/>: the decision gave the dose or held it (a slot used).</summary>
public sealed record CourseStep(int Index, DoseDecision Decision, bool UsesSlot)
{
    /// <summary>What the record says happened at this slot (a recorded dose time), or null for a slot the replay added.</summary>
    public DoseStatus? Recorded { get; init; }

    public DateTimeOffset At => Decision.At;

    public int DoseNumber => Decision.DoseNumber;

    public DoseAction Action => Decision.Action;

    /// <summary>Short reasons: fired rules with the values they saw, missing data, schedule findings, data errors.</summary>
    public ImmutableArray<string> Reasons => CourseSimulator.Reasons(Decision);
}

public sealed record CourseSimulation(ImmutableArray<CourseStep> Steps, string EndReason, PatientRecord FinalRecord);

/// <summary>A dose whose decision differs between two replays (either side null: that replay never reached the dose).</summary>
public sealed record CourseDifference(int DoseNumber, CourseStep? First, CourseStep? Second);

/// <summary>
/// Replays a course: at each time a dose could be due it asks the engine, from the data known at that moment (the engine
/// ignores later data), then assumes the answer was carried out and moves on.
/// </summary>
/// <remarks>
/// <para>The replay decides every recorded dose time from the start on, each from the record as it stood then: the doses
/// the record says were given or held before it (as recorded, whatever the replay decided for them), and the data charted
/// by then. So a replay of a course that gave four doses decides the fourth with three given before it, not with the
/// replay's own earlier answers. After the last recorded dose the replay goes on by itself, assuming its answers were
/// carried out: <b>give</b> adds a given dose; a <b>hold</b> for a rule, missing data or a data error adds a held dose (its
/// slot is used and not made up); a hold the schedule calls for (too early, outside the first-dose window, cycle limit)
/// adds nothing, whatever else held it, and moves to the engine's <see cref="DoseDecision.NextDoseAt"/>. The next time
/// after a used slot is the regimen's minimum interval later. <b>discontinue</b> stops the replay (at a recorded slot too:
/// the rest of the record is after the protocol's stop). The replay also stops when the schedule gives no next time
/// (cycle limit, closed first-dose window), after <see cref="CourseOptions.To"/> (without it: past the record's last
/// observation, event or dose, where every decision would hold for missing data), or after
/// <see cref="CourseOptions.MaxSteps"/> decisions.</para>
/// </remarks>
public static class CourseSimulator
{
    /// <summary>
    /// The first recorded dose at or after the first-dose window's start (the replay follows the record's dose times);
    /// without one, the window's start after the regimen's event; without a window or event, the first recorded dose,
    /// else the first observation.
    /// </summary>
    public static DateTimeOffset? DefaultStart(ProtocolInfo protocol, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(record);
        if (protocol.Regimen.FirstDose is { } window)
        {
            var events = record.Events.Where(e => e.Type == window.Event).ToList();
            if (events.Count > 0)
            {
                var opens = events.Min(e => e.At).AddSeconds(window.EarliestSeconds);
                var firstDose = record.Doses.Where(d => d.At >= opens).Select(d => (DateTimeOffset?)d.At).Min();
                return firstDose ?? opens;
            }
        }
        if (record.Doses.Length > 0)
        {
            return record.Doses.Min(d => d.At);
        }

        return record.Observations.Length > 0 ? record.Observations.Min(o => o.At) : null;
    }

    public static CourseSimulation Simulate(ProtocolRules rules, PatientRecord record, CourseOptions? options = null, IProgress<CourseStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(record);
        options ??= new CourseOptions();
        var info = rules.Info;
        var start = options.From ?? DefaultStart(info, record);
        if (start is not { } from)
        {
            return new CourseSimulation([], "the record has no event, dose or observation to start from", record);
        }

        var recorded = record.Doses.OrderBy(d => d.At).ToList();
        var dueTimes = recorded.Where(d => d.At >= from).Select(d => d.At).Distinct().ToList();
        var simulated = new List<RecordedDose>();
        // Simulated doses all come after the record's last (the replay adds its own only past it), so appending both
        // lists in time order gives each step exactly the doses before it, recorded first.
        var timeline = PatientTimeline.Create(info, record with { Doses = [] });
        int recordedIn = 0, simulatedIn = 0;
        // Past the record's last datum every decision would hold for missing data: without --to the replay stops there.
        var dataEnds = record.Observations.Select(o => o.At).Concat(record.Events.Select(e => e.At)).Concat(recorded.Select(d => d.At))
            .DefaultIfEmpty(from).Max();
        var interval = TimeSpan.FromSeconds(Math.Max(info.Regimen.MinIntervalSeconds, 60));
        var steps = ImmutableArray.CreateBuilder<CourseStep>();
        var time = from;
        string end;
        while (true)
        {
            if (options.To is { } to && time > to)
            {
                end = $"reached the end of the replay ({Show(to, options.TimeZone)})";
                break;
            }
            if (options.To is null && time > dataEnds && steps.Count > 0)
            {
                end = $"the record's data ends at {Show(dataEnds, options.TimeZone)}, so later decisions would only hold for missing data";
                break;
            }
            if (steps.Count >= options.MaxSteps)
            {
                end = $"stopped after {options.MaxSteps} decisions";
                break;
            }
            // The history at this time: the recorded doses before it, as recorded, then the replay's own (after the record's
            // last). Time only moves forward, so each step appends the doses it passed to one timeline (bound once).
            var at = time;
            var recordedHere = recorded.LastOrDefault(d => d.At == at);
            while (recordedIn < recorded.Count && recorded[recordedIn].At < at)
            {
                timeline.Append(recorded[recordedIn++]);
            }
            while (simulatedIn < simulated.Count && simulated[simulatedIn].At < at)
            {
                timeline.Append(simulated[simulatedIn++]);
            }
            // As of this step: what the record charts later is the history still to come, not data ahead of the clock.
            var decision = ProtocolEvaluator.Evaluate(rules, timeline, time, null, options.ReadIssues, options.TimeZone, asOf: true);
            // A dose the schedule does not allow yet (or any more) is not due: holding it uses no slot.
            var notDue = decision.Schedule.Any(s => s.Code is not ScheduleCodes.MaxDosesCourse);
            var usesSlot = decision.Action == DoseAction.Give
                || (decision.Action == DoseAction.Hold && !notDue && (decision.Rules.Length > 0 || decision.Missing.Any(m => !m.Optional) || decision.DataErrors.Length > 0));
            var step = new CourseStep(steps.Count, decision, usesSlot) { Recorded = recordedHere?.Status };
            steps.Add(step);
            progress?.Report(step);

            if (decision.Action == DoseAction.Discontinue)
            {
                end = $"discontinued at dose {decision.DoseNumber}";
                break;
            }
            DateTimeOffset next;
            if (dueTimes.FirstOrDefault(t => t > at) is var nextRecorded && nextRecorded > at)
            {
                // The record goes on: its next dose time is decided with its own history.
                next = nextRecorded;
            }
            else if (recordedHere is not null)
            {
                // The record's last dose: the replay continues from it, a slot later.
                next = time + interval;
            }
            else if (usesSlot)
            {
                simulated.Add(new RecordedDose(time, decision.Action == DoseAction.Give ? DoseStatus.Given : DoseStatus.Held, null, "simulated"));
                next = time + interval;
            }
            else if (decision.NextDoseAt is { } scheduled && scheduled > time)
            {
                next = scheduled;
            }
            else
            {
                end = $"the schedule gives no next dose time after {Show(time, options.TimeZone)}: {string.Join("; ", decision.Schedule.Select(s => s.Message))}";
                break;
            }
            time = next;
        }
        return new CourseSimulation(steps.ToImmutable(), end, record with { Doses = [.. recorded, .. simulated] });
    }

    /// <summary>Every dose whose final decision differs (by action, or reached in only one replay).</summary>
    public static ImmutableArray<CourseDifference> Compare(CourseSimulation first, CourseSimulation second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        static Dictionary<int, CourseStep> ByDose(CourseSimulation s) =>
            s.Steps.GroupBy(step => step.DoseNumber).ToDictionary(g => g.Key, g => g.Last());
        var a = ByDose(first);
        var b = ByDose(second);
        var differences = ImmutableArray.CreateBuilder<CourseDifference>();
        foreach (var dose in a.Keys.Union(b.Keys).Order())
        {
            a.TryGetValue(dose, out var x);
            b.TryGetValue(dose, out var y);
            if (x is null || y is null || x.Action != y.Action)
            {
                differences.Add(new CourseDifference(dose, x, y));
            }
        }
        return differences.ToImmutable();
    }

    internal static ImmutableArray<string> Reasons(DoseDecision decision)
    {
        var reasons = ImmutableArray.CreateBuilder<string>();
        foreach (var rule in decision.Rules)
        {
            var seen = string.Join(", ", rule.Values.Where(v => v.Value is not null || v.Flag is not null).Select(v =>
                $"{v.Input} {(v.Flag is { } f ? (f ? "yes" : "no") : Seen(v))}"));
            reasons.Add(seen.Length == 0 ? rule.Id : $"{rule.Id} ({seen})");
        }
        // Optional data that is absent does not decide anything; listing it would bury the reasons that do.
        foreach (var m in decision.Missing.Where(m => !m.Optional))
        {
            reasons.Add($"missing {m.Observation}: {m.Reason}");
        }

        foreach (var s in decision.Schedule)
        {
            reasons.Add($"{s.Code}: {s.Message}");
        }

        foreach (var e in decision.DataErrors)
        {
            reasons.Add($"data error {e.Path}: {e.Message}");
        }

        return reasons.ToImmutable();
    }

    /// <summary>"84 mmHg"; converted: "11.99 kPa = 89.93 mmHg".</summary>
    private static string Seen(SeenValue v)
    {
        var value = DecisionText.Join(v.Value!.Value.ToString("0.###", CultureInfo.InvariantCulture), v.Unit);
        return v.ChartedUnit is { } unit && v.ChartedValue is { } charted ? $"{DecisionText.Quantity(charted, unit)} = {value}" : value;
    }

    private static string Show(DateTimeOffset time, TimeZoneInfo? zone)
    {
        if (zone is null || zone == TimeZoneInfo.Utc)
        {
            return time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        }

        return TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }
}
