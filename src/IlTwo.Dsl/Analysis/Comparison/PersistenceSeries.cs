using System.Collections.Immutable;
using System.Globalization;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Series of readings for witnesses that hinge on <c>persistent for</c>. One patient state cannot show persistence, so
/// the solver's model alone never separates 'persistent for 2 h' from 'persistent for 3 h'; a series can: readings at
/// times around each persistence window, a firing value on a run of them and the normal value (or none) elsewhere.
/// Each series is checked by evaluating both versions, like every other witness.
/// </summary>
internal static class PersistenceSeries
{
    /// <summary>The observations read by the rules whose persistence differs between the versions (or exists in only one), with the windows in hours.</summary>
    public static IReadOnlyList<(ObservationSymbol Observation, ImmutableArray<double> WindowsHours)> Candidates(BoundProtocol old, BoundProtocol @new)
    {
        var rules = old.Rules.Concat(@new.Rules)
            .Where(r => r.PersistenceSeconds is not null)
            .Where(r => (old.FindRule(r.Name), @new.FindRule(r.Name)) is not ({ } a, { } b) || !SafetyAnalysis.SameCourseMeaning(a, b));
        var found = new Dictionary<string, (ObservationSymbol Observation, SortedSet<double> Hours)>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var protocol = @new.FindRule(rule.Name) == rule ? @new : old;
            foreach (var name in rule.Syntax.Conditions.SelectMany(c => c.DescendantsAndSelf()).OfType<NameSyntax>())
            {
                if (protocol.FindObservation(name.Text) is { IsYesNo: false } observation)
                {
                    if (!found.TryGetValue(observation.Name, out var entry))
                    {
                        entry = (observation, []);
                        found[observation.Name] = entry;
                    }
                    entry.Hours.Add(rule.PersistenceSeconds!.Value / 3600);
                }
            }
        }
        return [.. found.Values.Select(e => (e.Observation, ImmutableArray.CreateRange(e.Hours)))];
    }

    /// <summary>
    /// Edits that replace the observation's readings in <paramref name="record"/> by a series: the record's latest value
    /// (the one the solver chose) on a run of consecutive times, the normal patient's latest value or nothing elsewhere.
    /// </summary>
    public static IEnumerable<WitnessShape.Edit> Series(ObservationSymbol observation, ImmutableArray<double> windowsHours, PatientRecord record, PatientRecord normal, DateTimeOffset at)
    {
        if (Latest(observation, record, at) is not { } firing)
        {
            yield break;
        }

        var calm = Latest(observation, normal, at);
        var times = windowsHours.SelectMany(h => new[] { h - 0.25, h + 0.25 }).Append(0.25).Where(h => h > 0).Distinct().Order().ToArray();
        for (var first = 0; first < times.Length; first++)
        {
            for (var last = first; last < times.Length; last++)
            {
                var run = times[first..(last + 1)];
                var rest = times.Where(t => t < times[first] || t > times[last]).ToArray();
                yield return Edit(observation, at, firing, run, null, []);
                if (calm is { } c && c.Value != firing.Value && rest.Length > 0)
                {
                    yield return Edit(observation, at, firing, run, c, rest);
                }
            }
        }
    }

    private static WitnessShape.Edit Edit(ObservationSymbol observation, DateTimeOffset at, RecordedObservation firing, double[] run, RecordedObservation? calm, double[] rest)
    {
        var readings = run.Select(h => firing with { Code = observation.Name, At = at.AddHours(-h) })
            .Concat(calm is null ? [] : rest.Select(h => calm with { Code = observation.Name, At = at.AddHours(-h) }))
            .ToImmutableArray();
        var text = $"{Quantity(firing)} {Hours(run)} ago" + (calm is null ? ", no other reading" : $", {Quantity(calm)} {Hours(rest)} ago");
        return new WitnessShape.Edit(new WitnessValue(observation.Name, text), r => r with
        {
            Observations = [.. r.Observations.Where(o => !Reads(observation, o)), .. readings],
        });
    }

    private static RecordedObservation? Latest(ObservationSymbol observation, PatientRecord record, DateTimeOffset at) =>
        record.Observations.Where(o => Reads(observation, o) && o.Value is not null && o.At <= at).MaxBy(o => o.At);

    private static bool Reads(ObservationSymbol observation, RecordedObservation o) =>
        o.Code == observation.Name || observation.LoincCodes.Contains(o.Code);

    private static string Quantity(RecordedObservation o) => $"{o.Value!.Value.ToString("0.####", CultureInfo.InvariantCulture)} {o.Unit}";

    private static string Hours(double[] hours) =>
        string.Join(hours.Length == 2 ? " and " : ", ", hours.Select(h => h.ToString("0.##", CultureInfo.InvariantCulture) + " h"));
}
