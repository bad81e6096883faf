using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// The whole job a hand-written engine (or RulesEngine / NRules) has to do before its rules run, written by hand: read
/// the record, map each code to its observation, convert its unit to canonical base units (conversions looked up by
/// unit, parsed once in the constructor), drop values outside the declared range, keep the latest value within the
/// recency window, sum the windows, find the baseline, count the doses and read the events. One pass over the record.
/// </summary>
/// <remarks>
/// It does less than the engine: no near-miss codes, no disagreeing values at one instant, no data errors, no
/// explanation. GlobalSetup checks that it computes the same inputs as the engine on every record it is timed on.
/// </remarks>
public sealed class RecordReader
{
    private readonly ProtocolInfo _info;
    private readonly InputSpec[] _specs;
    private readonly Dictionary<string, int> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, string), (double ToDeclared, double Factor, double Offset)> _units = [];
    private readonly double[] _low, _high, _recency;
    private readonly double?[] _reportedTo;

    public RecordReader(ProtocolInfo info, IReadOnlyList<InputSpec> specs, IEnumerable<PatientRecord> records)
    {
        _info = info;
        _specs = [.. specs];
        var n = info.Observations.Length;
        _low = new double[n];
        _high = new double[n];
        _recency = new double[n];
        _reportedTo = new double?[n];
        foreach (var o in info.Observations)
        {
            _byCode.TryAdd(o.Name, o.Index);
            foreach (var code in o.Codes)
            {
                _byCode.TryAdd(code, o.Index);
            }

            _low[o.Index] = o.RangeLow ?? double.NegativeInfinity;
            _high[o.Index] = o.RangeHigh ?? double.PositiveInfinity;
            _recency[o.Index] = o.RecencySeconds;
            _reportedTo[o.Index] = o.ReportedTo;
        }
        // The units the records use, as a developer would list them.
        foreach (var entry in records.SelectMany(r => r.Observations))
        {
            if (entry.Unit is { } unit && _byCode.TryGetValue(entry.Code, out var index) && !_units.ContainsKey((index, unit)))
            {
                var o = info.Observations[index];
                if (o.Unit is not null && Ucum.TryParse(unit, out var from, out _) && Ucum.TryParse(o.Unit, out var declared, out _)
                    && Ucum.TryGetConversion(from, declared, o.MolarMass, out var conversion, out _) && conversion.Offset == 0)
                {
                    _units[(index, unit)] = (conversion.Factor, declared.Factor, declared.Offset);
                }
            }
        }
    }

    /// <summary>Fills <paramref name="inputs"/> (NaN for no usable value), in <see cref="EngineRules.Specs"/> order.</summary>
    public void Fill(PatientRecord record, DateTimeOffset at, RuleInputs inputs)
    {
        var atTicks = at.UtcTicks;
        var n = _info.Observations.Length;
        Span<long> latestTicks = stackalloc long[n];
        Span<double> latest = stackalloc double[n];
        latestTicks.Fill(long.MinValue);

        // doses and events first: the baseline reads up to the first given dose.
        int given = 0, held = 0;
        long firstGiven = long.MinValue, lastGiven = long.MinValue;
        foreach (var dose in record.Doses)
        {
            var t = dose.At.UtcTicks;
            if (t > atTicks)
            {
                continue;
            }

            if (dose.Status == DoseStatus.Given)
            {
                given++;
                firstGiven = firstGiven == long.MinValue ? t : Math.Min(firstGiven, t);
                lastGiven = Math.Max(lastGiven, t);
            }
            else if (dose.Status == DoseStatus.Held)
            {
                held++;
            }
        }
        var baselineLimit = firstGiven == long.MinValue ? long.MaxValue : firstGiven;

        Span<double> sums = stackalloc double[_specs.Length];
        Span<int> counts = stackalloc int[_specs.Length];
        Span<long> baselineTicks = stackalloc long[_specs.Length];
        Span<double> baseline = stackalloc double[_specs.Length];
        sums.Clear();
        counts.Clear();
        baselineTicks.Fill(long.MinValue);

        foreach (var entry in record.Observations)
        {
            var t = entry.At.UtcTicks;
            if (t > atTicks || !_byCode.TryGetValue(entry.Code, out var index))
            {
                continue;
            }

            double value;
            if (entry.Flag is { } flag)
            {
                value = flag ? 1 : 0;
            }
            else if (entry.Value is { } v && entry.Unit is { } unit && _units.TryGetValue((index, unit), out var c))
            {
                var declared = v * c.ToDeclared;
                if (c.ToDeclared != 1 && _reportedTo[index] is { } precision)
                {
                    declared = (double)((decimal)Math.Round(Math.Round(declared / precision, 9, MidpointRounding.AwayFromZero), MidpointRounding.AwayFromZero) * (decimal)precision);
                }

                if (!(declared >= _low[index] - Math.Abs(_low[index]) * 1e-9 && declared <= _high[index] + Math.Abs(_high[index]) * 1e-9))
                {
                    continue;
                }

                value = declared * c.Factor + c.Offset;
            }
            else
            {
                continue;
            }

            if (t >= latestTicks[index])
            {
                latestTicks[index] = t;
                latest[index] = value;
            }
            for (var i = 0; i < _specs.Length; i++)
            {
                var spec = _specs[i];
                if (spec.Index != index)
                {
                    continue;
                }

                if (spec.Kind == InputKind.Aggregate && t > atTicks - (long)(spec.WindowSeconds * TimeSpan.TicksPerSecond))
                {
                    sums[i] += value;
                    counts[i]++;
                }
                else if (spec.Kind == InputKind.Baseline && t <= baselineLimit && t >= baselineTicks[i])
                {
                    baselineTicks[i] = t;
                    baseline[i] = value;
                }
            }
        }

        for (var i = 0; i < _specs.Length; i++)
        {
            var spec = _specs[i];
            inputs[i] = spec.Kind switch
            {
                InputKind.Latest => latestTicks[spec.Index] != long.MinValue && (atTicks - latestTicks[spec.Index]) / (double)TimeSpan.TicksPerSecond <= _recency[spec.Index]
                    ? latest[spec.Index] : double.NaN,
                InputKind.Aggregate => spec.Aggregate switch
                {
                    AggregateKind.Count => counts[i],
                    AggregateKind.Sum => counts[i] == 0 ? double.NaN : sums[i],
                    AggregateKind.Mean => counts[i] == 0 ? double.NaN : sums[i] / counts[i],
                    _ => throw new NotSupportedException($"the hand-written reader has no {spec.Aggregate}"),
                },
                InputKind.Baseline => baselineTicks[i] == long.MinValue ? double.NaN : baseline[i],
                InputKind.Weight => record.Weight is { Unit: "kg" } w ? w.Value * 1000 : double.NaN,
                InputKind.DosesGiven => given,
                InputKind.DosesHeld => held,
                InputKind.TimeSinceLastDose => lastGiven == long.MinValue ? double.NaN : (atTicks - lastGiven) / (double)TimeSpan.TicksPerSecond,
                InputKind.TimeSinceFirstDose => firstGiven == long.MinValue ? double.NaN : (atTicks - firstGiven) / (double)TimeSpan.TicksPerSecond,
                InputKind.TimeSinceEvent => Since(record, _info.Events[spec.Index].Name, atTicks),
                _ => double.NaN,
            };
        }
    }

    private static double Since(PatientRecord record, string type, long atTicks)
    {
        var latest = long.MinValue;
        foreach (var e in record.Events)
        {
            if (e.Type == type && e.At.UtcTicks <= atTicks)
            {
                latest = Math.Max(latest, e.At.UtcTicks);
            }
        }
        return latest == long.MinValue ? double.NaN : (atTicks - latest) / (double)TimeSpan.TicksPerSecond;
    }
}
