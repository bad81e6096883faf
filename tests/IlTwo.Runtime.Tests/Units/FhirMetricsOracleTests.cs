using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Units;

/// <summary>
/// Differential tests: Fhir.Metrics (reading the official ucum-essence.xml) is an independent oracle
/// for our hand-written table. Its canonical form counts moles (6.022e23 per mol) and drops arbitrary
/// units, so we compare only where those differences cannot matter, and check that they are the only ones.
/// </summary>
public sealed class FhirMetricsOracleTests
{
    private const double RelativeTolerance = 1e-9;

    // Codes Fhir.Metrics can canonicalise (it has no parentheses, no plain integers, no Cel/[degF]).
    private static readonly string[] Codes =
    [
        "mm[Hg]", "cm[H2O]", "m[H2O]", "kPa", "Pa", "hPa", "bar", "mbar", "atm",
        "mg/dL", "g/dL", "g/L", "mg/L", "ug/L", "ng/mL", "ng/L", "pg/mL", "ug/mL", "kg/m3",
        "umol/L", "mmol/L", "nmol/L", "mol/L", "meq/L", "mosm/kg", "mmol/kg", "mol",
        "mL/h", "L/min", "mL/min", "L/d", "mL/d", "L/h", "uL/s",
        "mL/kg", "L/kg", "mL/kg/h", "mL/kg/min", "L/kg/d",
        "mL", "L", "l", "dL", "uL", "m3", "cm3", "mm3",
        "/min", "/h", "/s", "/d", "Hz", "/min{beats}", "{beats}/min", "s-1",
        "%", "[ppm]", "[ppth]", "10*3", "10^3", "10*-2", "{cells}",
        "[iU]/kg", "[iU]/g", "k[iU]/kg", "[IU]/kg", "[iU]", "k[iU]", "M[iU]", "[iU]/mL", "[iU]/L", "[arb'U]/mL",
        "ug/kg/min", "ng/kg/min", "mg/kg/h", "ug/min", "mg/h", "/kg", "/L",
        "kg", "g", "mg", "ug", "ng", "t", "[lb_av]", "[oz_av]",
        "K", "mK", "h", "min", "s", "ms", "d", "wk", "mo", "mo_j", "a", "a_j",
        "10*3/uL", "10*6/uL", "/uL", "10*9/L", "10*12/L", "/mm3", "10^9/L",
        "U/L", "mU/mL", "U", "kat", "ukat/L", "nkat/L",
        "m", "cm", "mm", "dam", "[in_i]", "[ft_i]", "m2", "kg/m2",
        "N", "J", "kJ", "W", "mW",
    ];

    // One oracle run for every code the tests ask about.
    private static readonly Lazy<IReadOnlyDictionary<string, OracleCanonical>> Canonicals = new(() =>
        FhirOracle.Canonicalize(Codes.Concat(Ucum.SupportedAtoms.Where(a => !Ucum.Parse(a).IsSpecial)).Append("mol").ToArray()));

    public static TheoryData<string> AllCodes => new(Codes);

    public static TheoryData<string, string> CommensurablePairs
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var a in Codes)
            {
                foreach (var b in Codes)
                {
                    if (string.CompareOrdinal(a, b) < 0 && Ucum.AreCommensurable(Ucum.Parse(a), Ucum.Parse(b)))
                    {
                        data.Add(a, b);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Factor_matches_the_oracle_canonical_value(string code)
    {
        var ours = Ucum.Parse(code);
        var (value, _) = Canonical(code);

        // The oracle counts moles: one mol is Avogadro's number of "1".
        var expected = value / Math.Pow(Canonical("mol").Value, ours.Dimension.AmountExponent);

        UcumParseTests.AssertRelative(expected, ours.Factor, RelativeTolerance);
    }

    [Theory]
    [MemberData(nameof(CommensurablePairs))]
    public void Conversion_factor_matches_the_oracle_ratio(string from, string to)
    {
        var (fromValue, fromMetric) = Canonical(from);
        var (toValue, toMetric) = Canonical(to);

        // What we call commensurable the oracle must too.
        Assert.Equal(fromMetric, toMetric);
        Assert.True(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), null, out var conversion, out var error), error);
        Assert.Equal(0.0, conversion.Offset);
        UcumParseTests.AssertRelative(fromValue / toValue, conversion.Factor, RelativeTolerance);
    }

    [Fact]
    public void There_are_enough_pairs_to_mean_something() => Assert.True(CommensurablePairs.Count > 300);

    [Fact]
    public void We_disagree_with_the_oracle_only_on_moles_and_arbitrary_units()
    {
        foreach (var a in Codes)
        {
            foreach (var b in Codes)
            {
                var ua = Ucum.Parse(a);
                var ub = Ucum.Parse(b);
                var sameForOracle = Canonical(a).Metric == Canonical(b).Metric;
                if (sameForOracle == Ucum.AreCommensurable(ua, ub))
                {
                    continue;
                }

                // Only one direction is allowed: we are stricter, never looser.
                Assert.True(sameForOracle, $"{a} vs {b}: we say commensurable, the oracle does not");
                Assert.True(
                    ua.Dimension.AmountExponent != ub.Dimension.AmountExponent
                    || !ua.Dimension.ArbitraryUnits.SequenceEqual(ub.Dimension.ArbitraryUnits),
                    $"{a} vs {b}: unexplained disagreement");
            }
        }
    }

    [Fact]
    public void Oracle_collapses_exactly_the_cases_we_keep_apart()
    {
        // The notes' examples: the oracle would let these compare; we must not.
        Assert.Equal(Canonical("umol/L").Metric, Canonical("/uL").Metric);
        Assert.Equal(Canonical("[iU]/kg").Metric, Canonical("/kg").Metric);
        Assert.False(Ucum.AreCommensurable(Ucum.Parse("umol/L"), Ucum.Parse("/uL")));
        Assert.False(Ucum.AreCommensurable(Ucum.Parse("[iU]/kg"), Ucum.Parse("/kg")));
    }

    [Theory]
    [MemberData(nameof(NonSpecialAtoms))]
    public void Every_atom_matches_the_oracle(string atom)
    {
        var ours = Ucum.Parse(atom);
        var expected = Canonical(atom).Value / Math.Pow(Canonical("mol").Value, ours.Dimension.AmountExponent);

        UcumParseTests.AssertRelative(expected, ours.Factor, RelativeTolerance);
    }

    public static TheoryData<string> NonSpecialAtoms =>
        new(Ucum.SupportedAtoms.Where(a => !Ucum.Parse(a).IsSpecial));

    private static OracleCanonical Canonical(string code) => Canonicals.Value[code];
}
