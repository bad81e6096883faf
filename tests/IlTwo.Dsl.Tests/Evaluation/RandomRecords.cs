using CsCheck;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>Random patient records for a protocol: values across each observation's declared range, other units, stale and future data, gaps.</summary>
internal static class RandomRecords
{
    public static readonly DateTimeOffset At = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Other spellings a value may arrive in, with the factor from the declared unit.</summary>
    private static readonly Dictionary<string, (string Unit, double Factor)> Alternatives = new(StringComparer.Ordinal)
    {
        ["mm[Hg]"] = ("kPa", 0.133322),
        ["mg/dL"] = ("umol/L", 88.42),
        ["mL"] = ("L", 0.001),
        ["10*3/uL"] = ("10*9/L", 1),
    };

    /// <summary>
    /// Starts from one of the protocol's own scenarios (a complete, mostly normal patient), then disturbs it: drops and
    /// ages values, adds values across the declared ranges in other units and codes, adds doses, moves the clock.
    /// </summary>
    /// <param name="history">
    /// Also a course history: yes/no findings charted up to 3 days before, values between earlier dose slots (for
    /// resolution and persistence), more doses given and held, and sometimes a <c>course-stop</c> event.
    /// </param>
    public static Gen<PatientRecord> For(ProtocolCompilation compilation, bool history = false)
    {
        var protocol = compilation.Protocol;
        var observations = protocol.Observations;
        var scenarios = protocol.Scenarios.Select(s => ScenarioRunner.ToRecord(s, At)).ToArray();
        var time = Gen.Double[-30, 1].Select(h => At.AddMinutes(Math.Round(h * 60)));
        var longAgo = Gen.Double[-72, 1].Select(h => At.AddMinutes(Math.Round(h * 60)));

        var observation = Gen.Int[0, observations.Length - 1].SelectMany(index =>
        {
            var o = observations[index];
            // Now and then a code spelled as a person might mistype it (a near miss the engine must not drop).
            if (o.IsYesNo)
            {
                return Gen.Select(history ? longAgo : time, Gen.Bool, Gen.Int[0, 9], (t, flag, typo) => RecordedObservation.YesNo(typo == 0 ? o.Name.ToUpperInvariant() : o.LoincCodes.FirstOrDefault() ?? o.Name, t, flag));
            }

            var (low, high) = o.Range is { } r ? ((r.Low - o.Unit!.Offset) / o.Unit.Factor, (r.High - o.Unit.Offset) / o.Unit.Factor) : (0.0, 100.0);
            // Values run a little past the declared range: the engine must refuse those, on both paths alike.
            var margin = (high - low) / 16;
            return Gen.Select(time, Gen.Double[low - margin, high + margin], Gen.Int[0, 3], Gen.Bool, (t, v, codeChoice, alternative) =>
            {
                var code = o.LoincCodes.IsEmpty || codeChoice == 0 ? o.Name : o.LoincCodes[codeChoice % o.LoincCodes.Length];
                var value = Math.Round(v, 1);
                if (alternative && Alternatives.TryGetValue(o.Unit!.Code, out var alt))
                {
                    return RecordedObservation.Numeric(code, t, value * alt.Factor, alt.Unit);
                }

                return RecordedObservation.Numeric(code, t, value, o.Unit!.Code);
            });
        });

        var dose = Gen.Select(Gen.Double[-60, 0], Gen.Int[0, 5], (h, s) => new RecordedDose(At.AddMinutes(Math.Round(h * 60)), s == 0 ? DoseStatus.Held : DoseStatus.Given));
        var weight = Gen.Select(Gen.Double[35, 140], Gen.Int[0, 19], (w, missing) => missing == 0 ? (MeasuredValue?)null : new MeasuredValue(Math.Round(w, 1), "kg"));

        return Gen.Select(
            Gen.Int[0, scenarios.Length - 1],
            Gen.Int[0, 100].Array[0, 4],           // indexes of scenario values to drop
            observation.Array[0, history ? 8 : 4],  // extra values
            dose.Array[0, history ? 6 : 2],         // extra doses
            weight,
            Gen.Double[-3, 3],                      // clock shift in hours
            Gen.Int[0, history ? 15 : 0],           // 0: a course-stop event (with history)
            (pick, drops, extra, doses, w, shift, stop) =>
            {
                var start = scenarios[pick];
                var kept = start.Observations.Where((_, i) => !drops.Contains(i)).ToList();
                var moved = TimeSpan.FromMinutes(Math.Round(shift * 60));
                return new PatientRecord(
                    "random",
                    w is null ? start.Weight : w,
                    [.. start.Events.Select(e => e with { At = e.At + moved }), .. history && stop == 0 ? [new RecordedEvent("course-stop", At.AddHours(-shift * 4))] : Array.Empty<RecordedEvent>()],
                    [.. start.Doses.Select(d => d with { At = d.At + moved }), .. doses],
                    [.. kept.Select(o => o with { At = o.At + moved }), .. extra]);
            });
    }
}
