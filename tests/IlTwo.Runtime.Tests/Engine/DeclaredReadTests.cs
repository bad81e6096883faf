using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// Binding reads the common entry (a yes/no flag, a plausible number in the declared unit) by a short path of its own
/// (<c>PatientTimeline.TryReadDeclared</c>); every other entry goes through the general path as before. The two must
/// bind the same timeline and so decide the same, on records full of what must still hold a dose: missing and stale
/// values, mistyped codes and kinds, units that are nearly the declared one, implausible and non-finite values, values
/// outside every window, codes and units that are strings of their own (not the protocol's).
/// </summary>
public sealed class DeclaredReadTests
{
    /// <summary>The test protocol with plausible ranges, so that out-of-range values are refused.</summary>
    private static readonly ProtocolRules Ranged = new WithRanges();

    public static TheoryData<int> Seeds => [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_declared_read_binds_and_decides_as_the_general_read(int seed)
    {
        var random = new Random(seed);
        var actions = new int[3];
        var declaredEntries = 0;
        foreach (var rules in new[] { TestProtocol.Instance, Ranged })
        {
            for (var i = 0; i < 300; i++)
            {
                var record = NoisyRecord(random);
                var at = CheckAt.AddMinutes(random.Next(-120, 180));

                var general = Bind(rules, record, generalOnly: true);
                var declared = Bind(rules, record, generalOnly: false);
                AssertSameTimeline(general, declared);
                declaredEntries += general.ObservationCount;

                var expected = Json(ProtocolEvaluator.Evaluate(rules, general, at));
                Assert.Equal(expected, Json(ProtocolEvaluator.Evaluate(rules, declared, at)));
                // The pooled timeline (one pass, arrays kept from the record before) reads by the same short path.
                Assert.Equal(expected, Json(ProtocolEvaluator.Evaluate(rules, record, at)));
                var verdict = ProtocolEvaluator.Decide(rules, record, at);
                Assert.Equal(ProtocolEvaluator.Evaluate(rules, general, at).Action, verdict.Action);
                actions[(int)verdict.Action]++;
            }
        }
        Assert.All(actions, count => Assert.True(count > 0, $"give/hold/discontinue: {string.Join("/", actions)}"));
        Assert.True(declaredEntries > 1000);
    }

    /// <summary>A unit of the declared one's length that differs in one character is not the declared unit, wherever the character is.</summary>
    [Theory]
    [InlineData("mm[Hg]")]
    [InlineData("mg/dL")]
    [InlineData("mL")]
    [InlineData("10*3/uL")]
    [InlineData("%")]
    [InlineData("ug/kg/min")]
    [InlineData("mmol/mol{creatinine}")]
    public void A_unit_differing_in_one_character_is_not_the_declared_unit(string unit)
    {
        var read = DeclaredRead.For(new ObservationInfo { Index = 0, Name = "x", Title = "x", Unit = unit }, double.NegativeInfinity, double.PositiveInfinity);
        Assert.True(read.Numeric);
        Assert.True(read.IsDeclaredUnit(new string(unit.AsSpan())));
        for (var k = 0; k < unit.Length; k++)
        {
            var chars = unit.ToCharArray();
            chars[k] = (char)(chars[k] + 1);
            Assert.False(read.IsDeclaredUnit(new string(chars)));
        }
        Assert.False(read.IsDeclaredUnit(unit + "x"));
        Assert.False(read.IsDeclaredUnit(unit[..^1]));
    }

    private static PatientTimeline Bind(ProtocolRules rules, PatientRecord record, bool generalOnly)
    {
        PatientTimeline.GeneralReadOnly = generalOnly;
        try
        {
            return PatientTimeline.Create(rules.Info, record);
        }
        finally
        {
            PatientTimeline.GeneralReadOnly = false;
        }
    }

    private static void AssertSameTimeline(PatientTimeline expected, PatientTimeline actual)
    {
        for (var i = 0; i < expected.Protocol.Observations.Length; i++)
        {
            var (e, a) = (expected.Store(i), actual.Store(i));
            Assert.Equal(e.Count, a.Count);
            Assert.Equal(e.Ticks.AsSpan(0, e.Count).ToArray(), a.Ticks.AsSpan(0, a.Count).ToArray());
            Assert.Equal(e.Values.AsSpan(0, e.Count).ToArray(), a.Values.AsSpan(0, a.Count).ToArray());
            Assert.Equal(e.Sources.AsSpan(0, e.Count).ToArray(), a.Sources.AsSpan(0, a.Count).ToArray());
        }
        Assert.Equal(expected.EntryIssues.Select(x => x.Issue.ToString()), actual.EntryIssues.Select(x => x.Issue.ToString()));
        Assert.Equal(expected.Suspects.Select(x => x.Issue.ToString()), actual.Suspects.Select(x => x.Issue.ToString()));
        Assert.Equal(expected.Disagreed.Count, actual.Disagreed.Count);
    }

    /// <summary>
    /// <see cref="PooledDecisionTests.RandomRecord"/> (missing, stale, mistyped, wrong-unit, near-miss codes, disagreeing
    /// values, doses, course stops) with more of what the short path must leave to the general one: units nearly the
    /// declared one, values out of range or not finite, flags for numbers, numbers without a unit, and every code and
    /// unit a string of its own.
    /// </summary>
    private static PatientRecord NoisyRecord(Random random)
    {
        var record = PooledDecisionTests.RandomRecord(random);
        string[] nearUnits = ["mm[hg]", "mm[Hg] ", "mmHg", "mg/dl", "mg/dL ", "ml", "L", "mL2", "m", "", "kPa", "umol/L"];
        var observations = record.Observations.Select(o =>
        {
            var code = new string(o.Code.AsSpan());
            var unit = o.Unit is null ? null : new string(o.Unit.AsSpan());
            var value = o.Value;
            var flag = o.Flag;
            switch (random.Next(14))
            {
                case 0:
                    unit = nearUnits[random.Next(nearUnits.Length)];
                    break;
                case 1:
                    value = random.Next(6) switch
                    {
                        0 => double.PositiveInfinity,
                        1 => double.NegativeInfinity,
                        2 => double.NaN,
                        3 => -random.Next(1, 50),
                        4 => 1e6,
                        _ => 400 + random.Next(600),
                    };
                    break;
                case 2:
                    (value, flag) = (null, random.Next(2) == 0);
                    break;
                case 3:
                    unit = null;
                    break;
                case 4:
                    (value, unit) = (random.Next(2), "mL");
                    break;
                default:
                    break;
            }
            return o with { Code = code, Unit = unit, Value = value, Flag = flag };
        });
        return record with { Observations = [.. observations] };
    }

    private static string Json(DoseDecision decision) => DoseDecisionJson.Serialize(decision);

    private sealed class WithRanges : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Id = "test-ranged",
            Observations =
            [
                .. TestProtocol.Description.Observations.Select(o => o.Name switch
                {
                    "sbp" => o with { RangeLow = 40, RangeHigh = 260 },
                    "creatinine" => o with { RangeLow = 0.1, RangeHigh = 20 },
                    "urine-output" => o with { RangeLow = 0, RangeHigh = 2000 },
                    _ => o,
                }),
            ],
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
    }
}
