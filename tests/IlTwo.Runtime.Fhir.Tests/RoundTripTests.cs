using CsCheck;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>The same data through the patient JSON and through a FHIR bundle must give the same decision.</summary>
public sealed class RoundTripTests
{
    internal static readonly DateTimeOffset At = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Other spellings a value may arrive in, with the factor from the declared unit.</summary>
    private static readonly Dictionary<string, (string Unit, double Factor)> Alternatives = new(StringComparer.Ordinal)
    {
        ["mm[Hg]"] = ("kPa", 0.133322),
        ["mg/dL"] = ("umol/L", 88.42),
        ["mL"] = ("L", 0.001),
        ["10*3/uL"] = ("10*9/L", 1),
    };

    internal static Gen<PatientRecord> Records(ProtocolInfo protocol)
    {
        var time = Gen.Int[-30 * 60, 0].Select(m => At.AddMinutes(m));
        var observation = Gen.Int[0, protocol.Observations.Length - 1].SelectMany(index =>
        {
            var o = protocol.Observations[index];
            if (o.IsYesNo)
            {
                return Gen.Select(time, Gen.Bool, (t, flag) => RecordedObservation.YesNo(o.Name, t, flag));
            }

            return Gen.Select(time, Gen.Double[0, 300], Gen.Int[0, 3], Gen.Bool, (t, v, codeChoice, alternative) =>
            {
                // A body-weight code in FHIR is also the patient's weight (the latest one), which patient JSON keeps apart:
                // such an observation arrives here under its name, and the patient's weight as a body weight (WithWrittenWeight).
                var codes = o.Codes.Where(c => !IsBodyWeightCode(c)).ToArray();
                var code = codes.Length == 0 || codeChoice == 0 ? o.Name : codes[codeChoice % codes.Length];
                var value = Math.Round(v, 1);
                return alternative && Alternatives.TryGetValue(o.Unit!, out var alt)
                    ? RecordedObservation.Numeric(code, t, Math.Round(value * alt.Factor, 3), alt.Unit)
                    : RecordedObservation.Numeric(code, t, value, o.Unit!);
            });
        });
        var dose = Gen.Select(Gen.Int[-60, 0], Gen.Int[0, 11], (h, s) => new RecordedDose(At.AddHours(h), s switch
        {
            0 or 1 => DoseStatus.Held,
            2 or 3 => DoseStatus.NotGiven,
            4 => DoseStatus.MayBeRunning,
            _ => DoseStatus.Given,
        }));
        var events = Gen.Int[-40, 0].Select(h => protocol.Events.Select(e => new RecordedEvent(e.Name, At.AddHours(h))).ToArray());
        var weight = Gen.Select(Gen.Double[35, 140], Gen.Bool, (w, present) => present ? (MeasuredValue?)new MeasuredValue(Math.Round(w, 1), "kg") : null);
        return Gen.Select(observation.Array[0, 40], dose.Array[0, 8], events, weight, (observations, doses, e, w) =>
            // The reader orders by time (stable); so does the engine within equal times by record order.
            new PatientRecord("random", w, [.. e.OrderBy(x => x.At)], [.. doses.OrderBy(d => d.At)], [.. observations.OrderBy(o => o.At)]));
    }

    /// <summary>
    /// The two readers name a dose's source each in its own terms (<c>$.doses[2]</c>, <c>Bundle.entry[3](...)</c>); apart
    /// from that the decisions must be the same.
    /// </summary>
    /// <summary>
    /// The record without where its doses and observations came from: the two readers name them each in its own format
    /// (<c>$.observations[2]</c>, <c>Bundle.entry[3](Observation/a)</c>), and the decisions are compared, not the paths.
    /// </summary>
    private static PatientRecord Unsourced(PatientRecord record) => record with
    {
        Doses = [.. record.Doses.Select(d => d with { Source = null })],
        Observations = [.. record.Observations.Select(o => o with { Source = null })],
    };

    private static bool IsBodyWeightCode(string code) => code is FhirCodes.BodyWeight or FhirCodes.BodyWeightMeasured;

    /// <summary>
    /// The bundle writer sends the patient's weight as a body-weight Observation at <paramref name="at"/>; a protocol that
    /// declares a body-weight observation (daily weights) reads that Observation too. The patient JSON gets the same value.
    /// </summary>
    private static PatientRecord WithWrittenWeight(PatientRecord record, ProtocolInfo protocol, DateTimeOffset at)
    {
        if (record.Weight is not { } weight || protocol.Observations.FirstOrDefault(o => o.Codes.Any(IsBodyWeightCode)) is not { } bodyWeight)
        {
            return record;
        }

        return record with { Observations = [RecordedObservation.Numeric(bodyWeight.Name, at, weight.Value, weight.Unit), .. record.Observations] };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Patient_json_and_fhir_bundle_give_the_same_decision(bool postTil)
    {
        var rules = postTil ? Protocols.PostTil : Protocols.Monotherapy;
        var actions = new int[3];
        var refused = 0;
        var running = 0;
        Records(rules.Info).Sample(record =>
        {
            var json = PatientJsonReader.Read(PatientJsonWriter.Write(WithWrittenWeight(record, rules.Info, At.AddDays(-3))));
            var fhir = FhirBundleReader.Read(FhirBundleWriter.Write(record, rules.Info, At.AddDays(-3)), rules.Info, At);
            if (!json.Succeeded)
            {
                return false;
            }

            var expected = ProtocolEvaluator.Evaluate(rules, Unsourced(json.Record!), At);
            if (!fhir.Succeeded)
            {
                // A unit the protocol cannot convert (e.g. bilirubin in umol/L, no molar mass): the FHIR reader refuses the
                // bundle (no decision at all); the JSON path holds for a data error. Neither ever gives on it.
                Interlocked.Increment(ref refused);
                return expected.DataErrors.Length > 0 && expected.Action != DoseAction.Give && fhir.Errors.All(e => e.Message.Contains("cannot be converted", StringComparison.Ordinal));
            }
            var actual = ProtocolEvaluator.Evaluate(rules, Unsourced(fhir.Record!), At, null, fhir.Issues);
            Interlocked.Increment(ref actions[(int)expected.Action]);
            if (record.Doses.Any(d => d.Status == DoseStatus.MayBeRunning))
            {
                Interlocked.Increment(ref running);
            }

            return DoseDecisionJson.Serialize(expected) == DoseDecisionJson.Serialize(actual);
        }, iter: 400, threads: 1);
        Assert.True(actions[(int)DoseAction.Hold] > 0 && actions[(int)DoseAction.Discontinue] > 0, $"give/hold/discontinue: {string.Join("/", actions)}");
        Assert.True(running > 0, "no record with a dose that may be running was compared");
        Assert.True(refused < 200, $"{refused} of 400 records had unconvertible units; too few compared");
    }
}
