using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Turns a point of a region (a box of the condition space) into a full patient record: a normal patient's record with the
/// box's values put in. One value per observation stands for its latest value and every aggregate over it (with a single
/// value, latest = min = max = mean = sum). Quantities the record cannot express this way are left as they were; the
/// caller evaluates the record, so a wrong guess is discarded, never reported.
/// </summary>
internal static class WitnessRecords
{
    /// <summary>One value put into the record.</summary>
    public sealed record Edit(WitnessValue Value, Func<PatientRecord, PatientRecord> Apply);

    public static PatientRecord ApplyAll(PatientRecord normal, IEnumerable<Edit> edits) => edits.Aggregate(normal, (r, e) => e.Apply(r));

    public static ImmutableArray<Edit> Build(
        Box box, ConditionSpace space, BoundProtocol oldP, BoundProtocol newP, bool round, DateTimeOffset at)
    {
        var values = ImmutableArray.CreateBuilder<Edit>();
        var byObservation = new Dictionary<string, List<(AnalysisVariable Variable, IntervalSet Set)>>(StringComparer.Ordinal);

        foreach (var (key, set) in box.Constraints.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!space.Variables.TryGetValue(key, out var variable))
            {
                continue;
            }

            switch (variable.Term)
            {
                case BoundObservationValue or BoundAggregate when variable.Observation is { } observation:
                    if (!byObservation.TryGetValue(observation.Name, out var list))
                    {
                        byObservation[observation.Name] = list = [];
                    }

                    list.Add((variable, set));
                    break;
                case BoundWeight:
                    {
                        var unit = ConditionText.UnitOf(variable.Term);
                        var value = Choose(set, unit, round);
                        if (value is null)
                        {
                            break;
                        }

                        var kg = unit.FromCanonical(value.Value);
                        values.Add(new(new WitnessValue("weight", ConditionText.Value(value.Value, unit)), r => r with { Weight = new MeasuredValue(kg, "kg") }));
                        break;
                    }
                case BoundTimeSince { Kind: Syntax.TimeSinceKind.Event, Event: { } @event }:
                    {
                        var value = Choose(set, ValueUnit.Hours, round);
                        if (value is null)
                        {
                            break;
                        }

                        var recordedEvent = new RecordedEvent(@event.Name, at.AddSeconds(-value.Value));
                        values.Add(new(new WitnessValue("time since " + @event.Name, ConditionText.Hours(value.Value)),
                            r => r with { Events = [.. r.Events.Where(e => e.Type != @event.Name), recordedEvent] }));
                        break;
                    }
            }
        }

        foreach (var (name, constraints) in byObservation)
        {
            var oldObservation = oldP.FindObservation(name);
            var newObservation = newP.FindObservation(name);
            var observation = newObservation ?? oldObservation!;
            var unit = ConditionText.ObservationUnit(observation);

            // One value in the window: every latest/min/max/mean/sum constraint applies to it; count must allow 1, change 0.
            var set = IntervalSet.All;
            var windows = new List<double>();
            foreach (var (variable, constraint) in constraints)
            {
                switch (variable.Term)
                {
                    case BoundAggregate { Kind: AggregateKind.Count } a:
                        if (!constraint.Intervals.Any(i => i.Contains(1)))
                        {
                            set = IntervalSet.Empty;
                        }

                        windows.Add(a.WindowSeconds);
                        break;
                    case BoundAggregate { Kind: AggregateKind.Change } a:
                        if (!constraint.Intervals.Any(i => i.Contains(0)))
                        {
                            set = IntervalSet.Empty;
                        }

                        windows.Add(a.WindowSeconds);
                        break;
                    case BoundAggregate a:
                        set = set.Intersect(constraint);
                        windows.Add(a.WindowSeconds);
                        break;
                    default:
                        set = set.Intersect(constraint);
                        break;
                }
            }
            if (observation.Range is { } range && !observation.IsYesNo)
            {
                set = set.Intersect(IntervalSet.Of(new Interval(range.Low, true, range.High, true)));
            }

            if (Choose(set, unit, round) is not { } value)
            {
                continue;
            }

            windows.AddRange(new[] { oldObservation?.RecencySeconds, newObservation?.RecencySeconds }.OfType<double>().Where(w => w > 0));
            var ago = Math.Min(3600, windows.Count == 0 ? 3600 : windows.Min() / 4);
            var codes = new HashSet<string>(StringComparer.Ordinal) { name };
            foreach (var o in new[] { oldObservation, newObservation }.OfType<ObservationSymbol>())
            {
                codes.UnionWith(o.LoincCodes);
            }

            var time = at.AddSeconds(-ago);
            var recorded = observation.IsYesNo
                ? RecordedObservation.YesNo(name, time, value >= 0.5)
                : RecordedObservation.Numeric(name, time, unit.FromCanonical(value), observation.Unit!.Code);

            var shown = constraints.Any(c => c.Variable.Term is BoundObservationValue) || constraints.Count > 1
                ? name
                : ConditionText.Term(constraints[0].Variable.Term!) ?? name;
            values.Add(new(new WitnessValue(shown, ConditionText.Value(value, unit)),
                r => r with { Observations = [.. r.Observations.Where(o => !codes.Contains(o.Code)), recorded] }));
        }

        return values.ToImmutable();
    }

    /// <summary>
    /// A value in the set, in canonical units: with <paramref name="round"/>, a round number in the display unit near the
    /// middle of the first interval (88 for [85, 90)); otherwise the interval's own witness (its closed end).
    /// </summary>
    internal static double? Choose(IntervalSet set, ValueUnit unit, bool round)
    {
        if (set.IsEmpty)
        {
            return null;
        }

        foreach (var interval in set.Intervals)
        {
            if (!round)
            {
                return interval.Witness();
            }

            if (interval.Low == interval.High)
            {
                return interval.Low;
            }

            var low = double.IsNegativeInfinity(interval.Low) ? double.NegativeInfinity : unit.FromCanonical(interval.Low);
            var high = double.IsPositiveInfinity(interval.High) ? double.PositiveInfinity : unit.FromCanonical(interval.High);
            double target;
            if (double.IsNegativeInfinity(low) && double.IsPositiveInfinity(high))
            {
                target = 0;
            }
            else if (double.IsNegativeInfinity(low))
            {
                target = high - Math.Max(1, Math.Abs(high) * 0.1);
            }
            else if (double.IsPositiveInfinity(high))
            {
                target = low + Math.Max(1, Math.Abs(low) * 0.1);
            }
            else
            {
                target = (low + high) / 2;
            }

            for (var digits = 0; digits <= 6; digits++)
            {
                var candidate = unit.ToCanonical(Math.Round(target, digits, MidpointRounding.AwayFromZero));
                if (interval.Contains(candidate))
                {
                    return candidate;
                }
            }
            var exact = unit.ToCanonical(target);
            if (interval.Contains(exact))
            {
                return exact;
            }
        }
        return set.Witness();
    }
}
