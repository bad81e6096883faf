using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// What a snapshot checks in a record before any rule reads it, so that a bad value never counts as normal:
/// values outside the declared range, record codes that nearly name an observation, disagreeing values at one instant,
/// an implausible patient weight; and the laboratory rounding of converted values (<c>reported to</c>).
/// Per protocol facts are worked out once (<see cref="Plan"/>, kept by <see cref="BindingPlan"/>).
/// </summary>
internal static class RecordChecks
{
    /// <summary>
    /// The weights the engine accepts, in grams: 20 kg to 350 kg. Not from a clinical source: an institutional choice of
    /// this engine (an adult HD IL-2 patient outside it is far more likely a unit or typing error, e.g. 72 g for 72 kg).
    /// </summary>
    public const double MinWeightGrams = 20_000, MaxWeightGrams = 350_000;

    /// <summary>Record codes shorter than this match an observation name only up to case and '-'/'_' (sbp is not dbp).</summary>
    private const int MinLengthForTypos = 5;

    private const int MaxTypoDistance = 2;

    /// <summary>Per observation: how long a bad value acts, whether a rule reads its baseline, and its normalised name.</summary>
    public sealed class Plan
    {
        public Plan(ProtocolInfo protocol)
        {
            var n = protocol.Observations.Length;
            ActingSeconds = new double[n];
            ReadsBaseline = new bool[n];
            Names = new string[n];
            for (var i = 0; i < n; i++)
            {
                ActingSeconds[i] = protocol.Observations[i].RecencySeconds;
                Names[i] = Normalize(protocol.Observations[i].Name);
            }
            foreach (var rule in protocol.Rules)
            {
                foreach (var input in rule.Inputs.IsDefault ? [] : rule.Inputs)
                {
                    if ((uint)input.Index >= (uint)n)
                    {
                        continue;
                    }

                    if (input.Kind == InputKind.Aggregate)
                    {
                        ActingSeconds[input.Index] = Math.Max(ActingSeconds[input.Index], input.WindowSeconds);
                    }
                    else if (input.Kind == InputKind.Baseline)
                    {
                        ReadsBaseline[input.Index] = true;
                    }
                }
            }
        }

        /// <summary>
        /// Seconds after its time that a bad value of the observation holds the dose: the longest a rule would read it
        /// (the observation's <c>within</c>, or a longer aggregate window).
        /// </summary>
        public double[] ActingSeconds { get; }

        public bool[] ReadsBaseline { get; }

        private string[] Names { get; }

        /// <summary>The observation a record code nearly names (not a LOINC code), or -1.</summary>
        public int NearMiss(string code)
        {
            var normalized = Normalize(code);
            if (normalized.Length == 0 || char.IsAsciiDigit(normalized[0]))
            {
                return -1;
            }

            var best = -1;
            var bestDistance = int.MaxValue;
            for (var i = 0; i < Names.Length; i++)
            {
                var name = Names[i];
                int distance;
                if (name == normalized)
                {
                    distance = 0;
                }
                else if (Math.Min(name.Length, normalized.Length) < MinLengthForTypos || Math.Abs(name.Length - normalized.Length) > MaxTypoDistance)
                {
                    continue;
                }
                else
                {
                    distance = Levenshtein.Distance(name, normalized);
                }

                if (distance <= MaxTypoDistance && distance < bestDistance)
                {
                    best = i;
                    bestDistance = distance;
                }
            }
            return best;
        }
    }

    /// <summary>Case-insensitive, with '_' and ' ' read as '-'.</summary>
    private static string Normalize(string code) =>
        code.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');

    /// <summary>
    /// <paramref name="value"/> rounded half away from zero to a multiple of <paramref name="precision"/> (both in the same
    /// unit). The quotient is first rounded to 9 decimals so that binary noise (2.45 / 0.1 = 24.4999…) does not decide a
    /// midpoint; the product is formed in decimal so that 25 × 0.1 is exactly the 2.5 a threshold is written as.
    /// </summary>
    public static double Round(double value, double precision)
    {
        if (!double.IsFinite(value) || !(precision > 0))
        {
            return value;
        }

        var quotient = Math.Round(value / precision, 9, MidpointRounding.AwayFromZero);
        var steps = Math.Round(quotient, MidpointRounding.AwayFromZero);
        if (Math.Abs(steps) > 1e15)
        {
            return steps * precision;
        }

        try
        {
            return (double)((decimal)steps * (decimal)precision);
        }
        catch (OverflowException)
        {
            return steps * precision;
        }
    }

    /// <summary>Inclusive, with a relative tolerance of 1e-9 for the bounds' round trip through canonical units.</summary>
    public static bool InRange(ObservationInfo observation, double declared)
    {
        if (!double.IsFinite(declared))
        {
            return false;
        }

        if (observation.RangeLow is { } low && declared < low - Tolerance(low))
        {
            return false;
        }

        if (observation.RangeHigh is { } high && declared > high + Tolerance(high))
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// The least and greatest value <see cref="InRange"/> accepts (tolerance included; −∞ / +∞ for an open side): a finite
    /// value is in range exactly when it lies between them.
    /// </summary>
    public static (double Low, double High) Bounds(ObservationInfo observation) =>
        // A NaN bound rejects nothing in InRange (no comparison with it is true): an open side here too.
        (observation.RangeLow is { } low && !double.IsNaN(low) ? low - Tolerance(low) : double.NegativeInfinity,
         observation.RangeHigh is { } high && !double.IsNaN(high) ? high + Tolerance(high) : double.PositiveInfinity);

    private static double Tolerance(double bound) => Math.Max(Math.Abs(bound), 1e-300) * 1e-9;

    /// <summary>Two canonical values that differ by more than rounding noise.</summary>
    public static bool Disagree(double a, double b) =>
        Math.Abs(a - b) > Math.Max(Math.Abs(a), Math.Abs(b)) * 1e-9;

    public static string RangeText(ObservationInfo observation) =>
        $"{(observation.RangeLow is { } low ? Quantity(low, observation.Unit) : "any")} to {(observation.RangeHigh is { } high ? Quantity(high, observation.Unit) : "any")}";

    public static string Quantity(double value, string? unit) =>
        unit is null ? DecisionText.Number(value) : DecisionText.Quantity(value, unit);
}
