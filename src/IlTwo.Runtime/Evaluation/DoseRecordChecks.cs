using System.Collections.Immutable;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// What the record cannot vouch for, and reader notes that must hold: a dose that may be running, a dose after the
/// decision time, a value or event charted after it, two doses at one instant, and read issues marked
/// <see cref="RecordIssue.Holds"/>. Each is a schedule finding that holds the dose with no next time (a clinician must
/// say what happened), so that none is ever read as "no dose" or "no value".
/// </summary>
/// <remarks>
/// Data charted after the decision time is a clock that disagrees or a time written in the wrong zone (a local 06:40
/// sent as 06:40Z): read "as of" the decision it would be left out, and the value before it used, so it holds. A replay
/// of the record's history (<see cref="CourseSimulator"/>) decides as of each earlier moment on purpose and passes
/// <c>asOf</c>.
/// </remarks>
internal static class DoseRecordChecks
{
    /// <summary>Whether <see cref="Findings"/> has any (without writing them).</summary>
    public static bool Holds(PatientTimeline timeline, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues, bool asOf)
    {
        if (timeline.DosesShareAnInstant || (!asOf && timeline.ChartedAfter(at.UtcTicks)))
        {
            return true;
        }

        var doses = timeline.Doses;
        foreach (var dose in doses)
        {
            if (dose.Status == DoseStatus.MayBeRunning || (dose.At > at && dose.Status == DoseStatus.Given))
            {
                return true;
            }
        }
        foreach (var issue in readIssues ?? [])
        {
            if (issue.Holds && !issue.IsError)
            {
                return true;
            }
        }
        return false;
    }

    public static ImmutableArray<ScheduleFinding> Findings(PatientTimeline timeline, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues, bool asOf)
    {
        var doses = timeline.Doses;
        var ahead = asOf ? null : timeline.FirstChartedAfter(at.UtcTicks);
        if (readIssues is not { Count: > 0 } && ahead is null && !timeline.DosesShareAnInstant && !doses.Any(d => d.At > at || d.Status == DoseStatus.MayBeRunning))
        {
            return [];
        }

        var findings = ImmutableArray.CreateBuilder<ScheduleFinding>();
        if (timeline.DosesShareAnInstant)
        {
            var same = doses.Select((dose, k) => (dose, k)).GroupBy(d => d.dose.At.UtcTicks).Where(g => g.Count() > 1).MinBy(g => g.Key)!;
            var entries = string.Join(" and ", same.Select(d => $"{Status(d.dose.Status)} ({d.dose.Source ?? $"$.doses[{d.k}]"})"));
            findings.Add(new ScheduleFinding(ScheduleCodes.DosesAtSameTime,
                $"{same.Count()} doses are recorded at {DecisionText.Time(same.First().dose.At, at)}: {entries}; whether one dose was given or more, "
                + "and so how many the course has had, is not known: the record must keep one"));
        }

        if (ahead is { } first)
        {
            var when = new DateTimeOffset(first.Ticks, TimeSpan.Zero);
            findings.Add(new ScheduleFinding(ScheduleCodes.ChartedAfterDecisionTime,
                $"{first.What} is charted at {DecisionText.Time(when, at)}{(first.Where is { } where ? $" ({where})" : "")}, after the decision time; "
                + "the clocks disagree or a time was written in the wrong zone, so what the record says now is not known"));
        }

        foreach (var dose in doses)
        {
            var where = dose.Source is { Length: > 0 } source ? $" ({source})" : "";
            var status = dose.SourceStatus is { Length: > 0 } s ? $"status '{s}'" : "a status that does not say it is over";
            if (dose.At > at && dose.Status is DoseStatus.Given or DoseStatus.MayBeRunning)
            {
                findings.Add(new ScheduleFinding(ScheduleCodes.DoseAfterDecisionTime,
                    $"a dose is recorded as {(dose.Status == DoseStatus.Given ? "given" : "started")} at {DecisionText.Time(dose.At, at)}, after the decision time{where}; "
                    + "the clocks disagree or the record runs ahead, so it is treated as a dose that may be running"));
            }
            else if (dose.Status == DoseStatus.MayBeRunning)
            {
                findings.Add(new ScheduleFinding(ScheduleCodes.DoseMayBeRunning,
                    $"a dose at {DecisionText.Time(dose.At, at)} has {status}{where}: it may be running, paused or partly given; "
                    + "the record must say it was completed or not done before the next dose"));
            }
        }
        foreach (var issue in readIssues ?? [])
        {
            if (issue.Holds && !issue.IsError)
            {
                findings.Add(new ScheduleFinding(ScheduleCodes.UnclearRecord, $"{(issue.Path.Length > 0 ? issue.Path + ": " : "")}{issue.Message}"));
            }
        }
        return findings.ToImmutable();
    }

    private static string Status(DoseStatus status) => status switch
    {
        DoseStatus.Given => "given",
        DoseStatus.Held => "held",
        DoseStatus.NotGiven => "not given",
        _ => "may be running",
    };
}
