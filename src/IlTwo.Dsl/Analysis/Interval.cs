using System.Collections.Immutable;
using System.Globalization;

namespace IlTwo.Dsl.Analysis;

/// <summary>A real interval with open or closed ends (infinite ends are open).</summary>
public readonly record struct Interval(double Low, bool LowClosed, double High, bool HighClosed)
{
    public static Interval All { get; } = new(double.NegativeInfinity, false, double.PositiveInfinity, false);

    public static Interval Point(double value) => new(value, true, value, true);

    public bool IsEmpty => Low > High || (Low == High && !(LowClosed && HighClosed));

    public Interval Intersect(Interval other)
    {
        var (low, lowClosed) = Low > other.Low ? (Low, LowClosed) : other.Low > Low ? (other.Low, other.LowClosed) : (Low, LowClosed && other.LowClosed);
        var (high, highClosed) = High < other.High ? (High, HighClosed) : other.High < High ? (other.High, other.HighClosed) : (High, HighClosed && other.HighClosed);
        return new Interval(low, lowClosed, high, highClosed);
    }

    public bool Contains(double value) =>
        (value > Low || (LowClosed && value == Low)) && (value < High || (HighClosed && value == High));

    /// <summary>A value inside the interval, preferring round numbers near the middle (used for counterexamples).</summary>
    public double Witness()
    {
        if (double.IsNegativeInfinity(Low) && double.IsPositiveInfinity(High))
        {
            return 0;
        }

        if (double.IsNegativeInfinity(Low))
        {
            return HighClosed ? High : High - Math.Max(1, Math.Abs(High) * 0.1);
        }

        if (double.IsPositiveInfinity(High))
        {
            return LowClosed ? Low : Low + Math.Max(1, Math.Abs(Low) * 0.1);
        }

        if (LowClosed)
        {
            return Low;
        }

        if (HighClosed)
        {
            return High;
        }

        return (Low + High) / 2;
    }

    public override string ToString() =>
        $"{(LowClosed ? '[' : '(')}{Low.ToString(CultureInfo.InvariantCulture)}, {High.ToString(CultureInfo.InvariantCulture)}{(HighClosed ? ']' : ')')}";
}

/// <summary>A union of disjoint intervals.</summary>
public sealed class IntervalSet
{
    private IntervalSet(ImmutableArray<Interval> intervals) => Intervals = intervals;

    public ImmutableArray<Interval> Intervals { get; }

    public static IntervalSet All { get; } = new([Interval.All]);

    public static IntervalSet Empty { get; } = new([]);

    public static IntervalSet Of(params Interval[] intervals) => new([.. intervals.Where(i => !i.IsEmpty).OrderBy(i => i.Low)]);

    public bool IsEmpty => Intervals.IsEmpty;

    public IntervalSet Intersect(IntervalSet other)
    {
        var result = new List<Interval>();
        foreach (var a in Intervals)
        {
            foreach (var b in other.Intervals)
            {
                var i = a.Intersect(b);
                if (!i.IsEmpty)
                {
                    result.Add(i);
                }
            }
        }
        return new IntervalSet([.. result.OrderBy(i => i.Low)]);
    }

    public double Witness() => Intervals.IsEmpty ? double.NaN : Intervals[0].Witness();

    public override string ToString() => string.Join(" u ", Intervals);
}
