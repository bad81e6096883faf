using System.Collections.Concurrent;
using System.Collections.Immutable;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// One patient of a cohort: an id to report it by, where it came from, and how to read its record for a protocol (a FHIR
/// reader matches observations by the protocol's codes, so each protocol version reads the data itself).
/// </summary>
public sealed record CohortPatient(string Id, string Source, Func<ProtocolInfo, RecordReadResult> Read);

/// <summary>Which way a dose's decision moved from the old protocol to the new one.</summary>
public enum ChangeDirection
{
    /// <summary>The new protocol holds or stops where the old one gave, or stops where it held.</summary>
    Stricter,

    /// <summary>The new protocol gives where the old one held or stopped, or holds where it stopped.</summary>
    Looser,

    /// <summary>One protocol decided this dose time and the other never reached it (its replay had stopped).</summary>
    Reached,
}

/// <summary>A dose time whose decision differs between the two replays, with the rules or schedule findings behind the change.</summary>
public sealed record SlotChange(DateTimeOffset At, CourseStep? Old, CourseStep? New, ChangeDirection Direction, ImmutableArray<string> Causes);

/// <summary>
/// One patient's replay under both protocols: the two replays, the changes, or why the record was refused. A refused
/// record is never replayed (neither protocol decides from half-read data) and is reported with the reader's errors.
/// </summary>
public sealed record CohortPatientResult(
    CohortPatient Patient,
    CourseSimulation? Old,
    CourseSimulation? New,
    ImmutableArray<SlotChange> Changes,
    ImmutableArray<RecordIssue> OldIssues,
    ImmutableArray<RecordIssue> NewIssues)
{
    public bool Refused => Old is null || New is null;

    /// <summary>Every decision both replays made (the throughput unit).</summary>
    public int Decisions => (Old?.Steps.Length ?? 0) + (New?.Steps.Length ?? 0);
}

/// <summary>Changed doses grouped by direction and cause, with the patients affected.</summary>
public sealed record ChangeGroup(ChangeDirection Direction, string Cause, int Doses, int Patients);

public sealed record CohortResult(ImmutableArray<CohortPatientResult> Patients, ImmutableArray<string> SourceIssues)
{
    public IEnumerable<CohortPatientResult> Replayed => Patients.Where(p => !p.Refused);

    public IEnumerable<CohortPatientResult> Refused => Patients.Where(p => p.Refused);

    public int Decisions => Patients.Sum(p => p.Decisions);

    public int ChangedDoses => Patients.Sum(p => p.Changes.Length);

    public int PatientsAffected => Patients.Count(p => !p.Changes.IsEmpty);

    /// <summary>One row per (direction, cause): a dose with two causes counts under each.</summary>
    public ImmutableArray<ChangeGroup> Groups =>
        [.. Patients
            .SelectMany(p => p.Changes.SelectMany(c => c.Causes.Select(cause => (p.Patient.Id, c.Direction, Cause: cause))))
            .GroupBy(x => (x.Direction, x.Cause))
            .Select(g => new ChangeGroup(g.Key.Direction, g.Key.Cause, g.Count(), g.Select(x => x.Id).Distinct(StringComparer.Ordinal).Count()))
            .OrderBy(g => g.Direction).ThenByDescending(g => g.Doses).ThenBy(g => g.Cause, StringComparer.Ordinal)];
}

/// <summary>
/// Replays every patient of a cohort under an old and a new protocol version (<see cref="CourseSimulator"/>: each
/// recorded dose time decided from the record as it stood then) and lists the dose times decided differently. Patients
/// are replayed in parallel; the result keeps the cohort's order.
/// </summary>
public static class CohortReplay
{
    public static CohortResult Run(
        ProtocolRules oldRules,
        ProtocolRules newRules,
        IReadOnlyList<CohortPatient> patients,
        IReadOnlyList<string>? sourceIssues = null,
        int maxDegreeOfParallelism = -1,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldRules);
        ArgumentNullException.ThrowIfNull(newRules);
        ArgumentNullException.ThrowIfNull(patients);
        var results = new CohortPatientResult[patients.Count];
        var done = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        if (patients.Count == 0)
        {
            // Partitioner.Create refuses an empty range: a cohort of no patient is an empty result, never a crash.
            cancellationToken.ThrowIfCancellationRequested();
            return new CohortResult([], [.. sourceIssues ?? []]);
        }

        // Range partitions hand each worker a block of patients: no per-patient task, no shared queue to contend on.
        Parallel.ForEach(Partitioner.Create(0, patients.Count, Math.Max(1, patients.Count / (options.MaxDegreeOfParallelism * 8))), options, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                results[i] = ReplayPatient(oldRules, newRules, patients[i]);
                progress?.Report(Interlocked.Increment(ref done));
            }
        });
        return new CohortResult([.. results], [.. sourceIssues ?? []]);
    }

    public static CohortPatientResult ReplayPatient(ProtocolRules oldRules, ProtocolRules newRules, CohortPatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var oldRead = Read(patient, oldRules.Info);
        var newRead = Read(patient, newRules.Info);
        if (!oldRead.Succeeded || !newRead.Succeeded)
        {
            return new CohortPatientResult(patient, null, null, [], oldRead.Issues, newRead.Issues);
        }

        var old = CourseSimulator.Simulate(oldRules, oldRead.Record!, new CourseOptions { ReadIssues = oldRead.Issues });
        var @new = CourseSimulator.Simulate(newRules, newRead.Record!, new CourseOptions { ReadIssues = newRead.Issues });
        return new CohortPatientResult(patient, old, @new, Compare(old, @new), oldRead.Issues, newRead.Issues);
    }

    /// <summary>A reader that throws has refused the record: the exception is its error, never a crash of the whole cohort.</summary>
    private static RecordReadResult Read(CohortPatient patient, ProtocolInfo protocol)
    {
        try
        {
            return patient.Read(protocol);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new RecordReadResult(null, [new RecordIssue("$", $"the record could not be read: {e.Message.ReplaceLineEndings(" ")}", IsError: true)]);
        }
    }

    /// <summary>
    /// The dose times (matched by time: both replays decide the record's own dose times from the same history) whose
    /// action differs, or that only one replay reached.
    /// </summary>
    public static ImmutableArray<SlotChange> Compare(CourseSimulation old, CourseSimulation @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var a = old.Steps.GroupBy(s => s.At).ToDictionary(g => g.Key, g => g.Last());
        var b = @new.Steps.GroupBy(s => s.At).ToDictionary(g => g.Key, g => g.Last());
        var changes = ImmutableArray.CreateBuilder<SlotChange>();
        foreach (var at in a.Keys.Union(b.Keys).Order())
        {
            a.TryGetValue(at, out var x);
            b.TryGetValue(at, out var y);
            if (x is not null && y is not null && x.Action == y.Action)
            {
                continue;
            }

            if (x is null || y is null)
            {
                changes.Add(new SlotChange(at, x, y, ChangeDirection.Reached, [x is null ? "decided only by the new protocol" : "decided only by the old protocol"]));
                continue;
            }
            var direction = Rank(y.Action) > Rank(x.Action) ? ChangeDirection.Stricter : ChangeDirection.Looser;
            var (stricter, looser) = direction == ChangeDirection.Stricter ? (y, x) : (x, y);
            changes.Add(new SlotChange(at, x, y, direction, Causes(stricter.Decision, looser.Decision)));
        }
        return changes.ToImmutable();
    }

    private static int Rank(DoseAction action) => action switch
    {
        DoseAction.Give => 0,
        DoseAction.Hold => 1,
        _ => 2,
    };

    /// <summary>What the stricter decision has that the looser one lacks: rules, schedule findings, missing data, data errors.</summary>
    private static ImmutableArray<string> Causes(DoseDecision stricter, DoseDecision looser)
    {
        var causes = new List<string>();
        var looserRules = looser.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        causes.AddRange(stricter.Rules.Select(r => r.Id).Where(id => !looserRules.Contains(id)).Select(id => $"rule {id}"));
        var looserSchedule = looser.Schedule.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        causes.AddRange(stricter.Schedule.Select(s => s.Code).Where(c => !looserSchedule.Contains(c)).Distinct().Select(c => $"schedule {c}"));
        var looserMissing = looser.Missing.Where(m => !m.Optional).Select(m => m.Observation).ToHashSet(StringComparer.Ordinal);
        causes.AddRange(stricter.Missing.Where(m => !m.Optional && !looserMissing.Contains(m.Observation)).Select(m => m.Observation).Distinct().Select(o => $"missing {o}"));
        if (stricter.DataErrors.Length > looser.DataErrors.Length)
        {
            causes.Add("data error");
        }

        if (causes.Count == 0)
        {
            // The same reasons on both sides, decided differently (a rule's action or a counted criterion changed).
            causes.AddRange(stricter.Rules.Select(r => $"rule {r.Id}"));
        }

        return causes.Count == 0 ? ["(no single cause)"] : [.. causes.Distinct(StringComparer.Ordinal)];
    }
}
