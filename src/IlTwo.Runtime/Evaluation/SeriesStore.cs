using System.Numerics;
using System.Runtime.CompilerServices;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// One observation's good values, sorted by time then record order, with prefix sums once the series is longer than
/// <see cref="PatientTimeline.DirectSumLimit"/> (so a sum over any window is two lookups) and, once a long window's
/// minimum or maximum is asked for, a segment tree over the values (so it is O(log n), not the window's length).
/// </summary>
internal sealed class SeriesStore
{
    private bool _sorted = true;

    /// <summary>Whether bulk reading added a value at or before the last one (out of order, or a second at an instant): the series needs sorting or a look for disagreeing values.</summary>
    private bool _unchecked;

    /// <summary>A pooled store's prefix arrays from the record before (see <see cref="Reset"/>), reused when large enough.</summary>
    private double[]? _sparePrefix;

    private double[]? _spareError;

    /// <summary>The min/max tree: built on the first long window asked for, kept up to date by every change after that.</summary>
    private ExtremeTree? _extremes;

    /// <summary>A store with no values: what an observation the record never charts reads (never written to).</summary>
    public static SeriesStore Empty { get; } = new();

    public long[] Ticks { get; private set; } = [];

    public double[] Values { get; private set; } = [];

    public int[] Sources { get; private set; } = [];

    /// <summary>Per value, the value as charted when converted from another unit; null until one is.</summary>
    public ChartedValue?[]? Charted { get; private set; }

    /// <summary>
    /// <c>Prefix[k] + PrefixError[k]</c> = the sum of the first k values, compensated (a double-double: the rounding error
    /// of each addition is kept, so a long series does not lose the small values of a window to the size of its total);
    /// null while the series is short.
    /// </summary>
    public double[]? Prefix { get; private set; }

    /// <summary>The rounding error of <see cref="Prefix"/>, per prefix.</summary>
    public double[]? PrefixError { get; private set; }

    /// <summary>Whether the min/max tree has been built (for tests: it is built on demand).</summary>
    internal bool HasExtremes => Volatile.Read(ref _extremes) is not null;

    /// <summary>The sum of values <paramref name="first"/> to <paramref name="end"/> (exclusive) from the prefix sums, within an ulp or so of the exact sum.</summary>
    public double PrefixSum(int first, int end)
    {
        var (hi, lo) = (Prefix!, PrefixError!);
        var difference = hi[end] - hi[first];
        // TwoSum: the rounding error of the difference of the leading parts.
        var back = difference - hi[end];
        var error = (hi[end] - (difference - back)) + (-hi[first] - back);
        return difference + (error + (lo[end] - lo[first]));
    }

    /// <summary>
    /// The least (or greatest) of values <paramref name="first"/> to <paramref name="end"/> (exclusive) from the segment
    /// tree, built on the first call (O(n) once; safe beside other readers: the first tree published is used).
    /// The value is the one a scan with <see cref="Math.Min(double, double)"/> / <see cref="Math.Max(double, double)"/> finds.
    /// </summary>
    public double TreeExtreme(int first, int end, bool highest)
    {
        var tree = Volatile.Read(ref _extremes);
        if (tree is null)
        {
            var built = new ExtremeTree(Values, Count);
            tree = Interlocked.CompareExchange(ref _extremes, built, null) ?? built;
        }

        return highest ? tree.Max(first, end) : tree.Min(first, end);
    }

    public int Count { get; private set; }

    public long LastTicks => Count == 0 ? long.MinValue : Ticks[Count - 1];

    public Point PointAt(int k) => new(Ticks[k], Values[k], Sources[k], Charted?[k]);

    /// <summary>The number of values at or before <paramref name="ticks"/>.</summary>
    public int UpperBound(long ticks)
    {
        var count = Count;
        var all = Ticks;
        if (count == 0 || all[count - 1] <= ticks)
        {
            return count;
        }

        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (all[mid] <= ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>
    /// The number of values at or before <paramref name="ticks"/>, knowing that <paramref name="known"/> values are at or
    /// before <paramref name="knownTicks"/> (a snapshot moved from one moment to another): only the side of
    /// <paramref name="known"/> the move went to is searched, and nothing when no value lies between the two moments.
    /// </summary>
    public int UpperBoundFrom(long ticks, int known, long knownTicks)
    {
        var all = Ticks;
        int lo, hi;
        if (ticks >= knownTicks)
        {
            if (known >= Count || all[known] > ticks)
            {
                return known;
            }

            if (all[Count - 1] <= ticks)
            {
                return Count;
            }

            (lo, hi) = (known + 1, Count - 1);
        }
        else
        {
            if (known == 0 || all[known - 1] <= ticks)
            {
                return known;
            }

            (lo, hi) = (0, known - 1);
        }

        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (all[mid] <= ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Empties the store for another record, keeping its arrays (a pooled timeline's: see <see cref="PatientTimeline.Rebind"/>).</summary>
    public void Reset()
    {
        if (Charted is not null)
        {
            Array.Clear(Charted, 0, Count);
        }

        Count = 0;
        _sorted = true;
        _unchecked = false;
        // The prefix arrays are kept for the next record's long series (recomputed from the start before any read).
        (_sparePrefix, _spareError) = Prefix is not null && PrefixError is not null ? (Prefix, PrefixError) : (_sparePrefix, _spareError);
        Prefix = null;
        PrefixError = null;
        _extremes = null;
    }

    /// <summary>Whether bulk reading added every value after the one before (sorted, no two at an instant): nothing to sort or compare.</summary>
    public bool StrictlyIncreasing => !_unchecked;

    /// <summary>Room for <paramref name="capacity"/> values without growing (bulk reading: the entries were counted first).</summary>
    public void Reserve(int capacity)
    {
        if (Ticks.Length >= capacity)
        {
            return;
        }

        Resize(capacity);
    }

    /// <summary>The capacity of the store's arrays (what a pooled timeline keeps between records).</summary>
    public int Capacity => Ticks.Length;

    /// <summary>Bulk reading: appended in record order, sorted once at the end.</summary>
    public void AddLast(Point point)
    {
        var count = Count;
        if (count > 0 && point.Ticks <= Ticks[count - 1])
        {
            _sorted &= point.Ticks == Ticks[count - 1];
            _unchecked = true;
        }

        if (Ticks.Length == count)
        {
            Grow(count + 1);
        }

        Set(count, point);
        Count = count + 1;
    }

    /// <summary>Bulk reading of a value charted in the declared unit (nothing to keep as charted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLast(long ticks, double value, int source)
    {
        // The common case, inlined: room left, after the value before, no charted values to clear.
        var count = Count;
        var all = Ticks;
        if ((uint)count < (uint)all.Length && Charted is null && (count == 0 || ticks > all[count - 1]))
        {
            all[count] = ticks;
            Values[count] = value;
            Sources[count] = source;
            Count = count + 1;
            return;
        }

        AddLastGeneral(ticks, value, source);
    }

    /// <summary><see cref="AddLast(long, double, int)"/> in every case: growing, out of order, clearing a charted value.</summary>
    private void AddLastGeneral(long ticks, double value, int source)
    {
        var count = Count;
        var all = Ticks;
        if (all.Length == count)
        {
            Grow(count + 1);
            all = Ticks;
        }

        if (count > 0 && ticks <= all[count - 1])
        {
            // Out of order, or a second value at an instant (to compare with the first): looked at once reading ends.
            _sorted &= ticks == all[count - 1];
            _unchecked = true;
        }

        all[count] = ticks;
        Values[count] = value;
        Sources[count] = source;
        if (Charted is not null)
        {
            Charted[count] = null;
        }

        Count = count + 1;
    }

    public void SortIfNeeded()
    {
        if (_sorted)
        {
            return;
        }

        _extremes = null;
        // Stable by time: the record order (Source, increasing in reading order) breaks ties.
        if (Count <= 16)
        {
            // Insertion sort in place: a short series out of order needs no buffer.
            for (var i = 1; i < Count; i++)
            {
                var point = PointAt(i);
                var j = i - 1;
                while (j >= 0 && (Ticks[j] > point.Ticks || (Ticks[j] == point.Ticks && Sources[j] > point.Source)))
                {
                    Set(j + 1, PointAt(j));
                    j--;
                }
                Set(j + 1, point);
            }
            _sorted = true;
            return;
        }

        var points = new Point[Count];
        for (var k = 0; k < Count; k++)
        {
            points[k] = PointAt(k);
        }

        Array.Sort(points, static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Source.CompareTo(b.Source));
        for (var k = 0; k < Count; k++)
        {
            Set(k, points[k]);
        }

        _sorted = true;
    }

    public void Insert(int position, Point point)
    {
        if (Ticks.Length <= Count)
        {
            Grow(Count + 1);
        }

        var tail = Count - position;
        if (tail > 0)
        {
            Array.Copy(Ticks, position, Ticks, position + 1, tail);
            Array.Copy(Values, position, Values, position + 1, tail);
            Array.Copy(Sources, position, Sources, position + 1, tail);
            if (Charted is not null)
            {
                Array.Copy(Charted, position, Charted, position + 1, tail);
            }
        }
        Set(position, point);
        Count++;
        UpdatePrefix(position);
        UpdateExtremes(position, Count);
    }

    public void RemoveRange(int start, int length)
    {
        var before = Count;
        var tail = Count - start - length;
        Array.Copy(Ticks, start + length, Ticks, start, tail);
        Array.Copy(Values, start + length, Values, start, tail);
        Array.Copy(Sources, start + length, Sources, start, tail);
        if (Charted is not null)
        {
            Array.Copy(Charted, start + length, Charted, start, tail);
            Array.Clear(Charted, Count - length, length);
        }
        Count -= length;
        UpdatePrefix(start);
        UpdateExtremes(start, before);
    }

    public void RebuildPrefix()
    {
        Prefix = null;
        PrefixError = null;
        UpdatePrefix(0);
    }

    /// <summary>Recomputes the prefix sums from <paramref name="position"/> (O(1) for a value appended last).</summary>
    private void UpdatePrefix(int position)
    {
        if (Count <= PatientTimeline.DirectSumLimit)
        {
            Prefix = null;
            PrefixError = null;
            return;
        }
        if (Prefix is null || PrefixError is null || Prefix.Length < Count + 1)
        {
            var size = Math.Max(Ticks.Length, Count) + 1;
            double[] grown, grownError;
            if (Prefix is null && _sparePrefix is { } spare && _spareError is { } spareError && spare.Length >= Count + 1)
            {
                (grown, grownError) = (spare, spareError);
                (_sparePrefix, _spareError) = (null, null);
            }
            else
            {
                grown = new double[size];
                grownError = new double[size];
            }

            if (Prefix is not null && PrefixError is not null)
            {
                Array.Copy(Prefix, grown, Math.Min(Prefix.Length, position + 1));
                Array.Copy(PrefixError, grownError, Math.Min(PrefixError.Length, position + 1));
            }
            else
            {
                position = 0;
            }

            Prefix = grown;
            PrefixError = grownError;
        }
        var (prefix, errors) = (Prefix, PrefixError);
        var sum = prefix[position];
        var error = errors[position];
        for (var k = position; k < Count; k++)
        {
            // TwoSum (Knuth): next + e is exactly sum + value.
            var value = Values[k];
            var next = sum + value;
            var back = next - sum;
            error += (sum - (next - back)) + (value - back);
            sum = next;
            prefix[k + 1] = sum;
            errors[k + 1] = error;
        }
    }

    /// <summary>
    /// Brings the min/max tree (when built) up to date after values <paramref name="position"/> to
    /// <paramref name="end"/> (exclusive) changed or were emptied: O(log n) for a value appended last, O(n − position)
    /// for a change in the middle (as the prefix sums). A series that outgrows the tree or becomes short drops it; the
    /// next long window builds it again (at twice the size, so appends stay O(log n) amortised).
    /// </summary>
    private void UpdateExtremes(int position, int end)
    {
        var tree = _extremes;
        if (tree is null)
        {
            return;
        }

        if (Count <= PatientTimeline.DirectSumLimit || Count > tree.Leaves)
        {
            _extremes = null;
            return;
        }

        tree.Update(Values, Count, position, end);
    }

    private void Set(int k, Point point)
    {
        Ticks[k] = point.Ticks;
        Values[k] = point.Value;
        Sources[k] = point.Source;
        if (point.Charted is not null || Charted is not null)
        {
            Charted ??= new ChartedValue?[Ticks.Length];
            Charted[k] = point.Charted;
        }
    }

    private void Grow(int capacity) => Resize(Math.Max(4, Math.Max(capacity, Ticks.Length * 2)));

    private void Resize(int size)
    {
        Ticks = Copy(Ticks, size);
        Values = Copy(Values, size);
        Sources = Copy(Sources, size);
        if (Charted is not null)
        {
            Charted = Copy(Charted, size);
        }
    }

    private T[] Copy<T>(T[] items, int size)
    {
        var grown = new T[size];
        Array.Copy(items, grown, Count);
        return grown;
    }
}

/// <summary>
/// A segment tree of minima and maxima over a series' values: node i covers nodes 2i and 2i + 1, leaf k is node
/// <c>Leaves + k</c>, and leaves past the series read +∞ (minima) and −∞ (maxima). A range's minimum or maximum is
/// O(log n); setting a value is O(log n).
/// </summary>
internal sealed class ExtremeTree
{
    private readonly double[] _low;
    private readonly double[] _high;

    public ExtremeTree(double[] values, int count)
    {
        Leaves = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(count, 2));
        _low = new double[2 * Leaves];
        _high = new double[2 * Leaves];
        Array.Copy(values, 0, _low, Leaves, count);
        Array.Copy(values, 0, _high, Leaves, count);
        Array.Fill(_low, double.PositiveInfinity, Leaves + count, Leaves - count);
        Array.Fill(_high, double.NegativeInfinity, Leaves + count, Leaves - count);
        for (var i = Leaves - 1; i >= 1; i--)
        {
            _low[i] = Math.Min(_low[2 * i], _low[2 * i + 1]);
            _high[i] = Math.Max(_high[2 * i], _high[2 * i + 1]);
        }
    }

    /// <summary>How many values the tree holds at most.</summary>
    public int Leaves { get; }

    /// <summary>Sets leaves <paramref name="from"/> to <paramref name="to"/> (exclusive) from the first <paramref name="count"/> values (padding past them), then their ancestors.</summary>
    public void Update(double[] values, int count, int from, int to)
    {
        if (from >= to)
        {
            return;
        }

        for (var k = from; k < to; k++)
        {
            var leaf = Leaves + k;
            if (k < count)
            {
                _low[leaf] = _high[leaf] = values[k];
            }
            else
            {
                _low[leaf] = double.PositiveInfinity;
                _high[leaf] = double.NegativeInfinity;
            }
        }
        for (int lo = (Leaves + from) >> 1, hi = (Leaves + to - 1) >> 1; lo >= 1; lo >>= 1, hi >>= 1)
        {
            for (var i = lo; i <= hi; i++)
            {
                _low[i] = Math.Min(_low[2 * i], _low[2 * i + 1]);
                _high[i] = Math.Max(_high[2 * i], _high[2 * i + 1]);
            }
        }
    }

    /// <summary>The least value of leaves <paramref name="first"/> to <paramref name="end"/> (exclusive); +∞ for an empty range.</summary>
    public double Min(int first, int end)
    {
        var result = double.PositiveInfinity;
        for (int l = first + Leaves, r = end + Leaves; l < r; l >>= 1, r >>= 1)
        {
            if ((l & 1) != 0)
            {
                result = Math.Min(result, _low[l++]);
            }

            if ((r & 1) != 0)
            {
                result = Math.Min(result, _low[--r]);
            }
        }
        return result;
    }

    /// <summary>The greatest value of leaves <paramref name="first"/> to <paramref name="end"/> (exclusive); −∞ for an empty range.</summary>
    public double Max(int first, int end)
    {
        var result = double.NegativeInfinity;
        for (int l = first + Leaves, r = end + Leaves; l < r; l >>= 1, r >>= 1)
        {
            if ((l & 1) != 0)
            {
                result = Math.Max(result, _high[l++]);
            }

            if ((r & 1) != 0)
            {
                result = Math.Max(result, _high[--r]);
            }
        }
        return result;
    }
}
