using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// The rules' truths at the course's earlier assessment points, kept by a <see cref="PatientTimeline"/> across decisions.
/// A point reads only what was recorded at or before it (a past-point snapshot checks no issues), so an entry stays
/// valid until the record changes at or before its time: an append at time x drops the entries at x and later, a new
/// weight or a correction drops them all. A bedside feed that charts the newest value drops nothing.
/// </summary>
/// <remarks>
/// Locked, so that decisions over one timeline may run at once (a change still must not run beside them). A pooled
/// timeline's (<see cref="PatientTimeline.IsPooled"/>: one thread's, never shared) takes no lock, and reuses the
/// arrays of the truths it drops for the next record's points.
/// </remarks>
internal sealed class PastPointTruths(bool pooled)
{
    /// <summary>More points than a course has (doses and yes/no charting times); a bound, so a feed cannot grow it without end.</summary>
    private const int Limit = 100_000;

    /// <summary>How many dropped arrays a pooled timeline keeps for reuse.</summary>
    private const int FreeLimit = 1024;

    /// <summary>The points kept, ascending (a decision visits its points in time order: an add is an append, a change at x a truncation).</summary>
    private readonly List<long> _ticks = [];

    private readonly List<Truth[]> _truths = [];
    private readonly Lock _lock = new();
    private readonly Stack<Truth[]>? _free = pooled ? new() : null;
    private ProtocolRules? _rules;

    /// <summary>An array for the truths at a point (a dropped one when pooled), every slot <see cref="Truth.Unknown"/>.</summary>
    public Truth[] NewTruths(int length)
    {
        if (_free is not null && _free.TryPeek(out var reused) && reused.Length == length)
        {
            _free.Pop();
            Array.Fill(reused, Truth.Unknown);
            return reused;
        }

        var truths = new Truth[length];
        Array.Fill(truths, Truth.Unknown);
        return truths;
    }

    /// <summary>The truths <paramref name="rules"/> gave at <paramref name="ticks"/>, when kept.</summary>
    public bool TryGet(ProtocolRules rules, long ticks, out Truth[] truths)
    {
        if (pooled)
        {
            return TryGetCore(rules, ticks, out truths);
        }

        lock (_lock)
        {
            return TryGetCore(rules, ticks, out truths);
        }
    }

    /// <summary>Keeps <paramref name="truths"/> (never written again by the caller) as the truths of <paramref name="rules"/> at <paramref name="ticks"/>.</summary>
    public void Add(ProtocolRules rules, long ticks, Truth[] truths)
    {
        if (pooled)
        {
            AddCore(rules, ticks, truths);
            return;
        }

        lock (_lock)
        {
            AddCore(rules, ticks, truths);
        }
    }

    /// <summary>The record changed at <paramref name="ticks"/>: the points at or after it may read differently.</summary>
    public void ChangedAt(long ticks)
    {
        lock (_lock)
        {
            var from = LowerBound(ticks);
            for (var k = from; k < _truths.Count; k++)
            {
                Recycle(_truths[k]);
            }

            _ticks.RemoveRange(from, _ticks.Count - from);
            _truths.RemoveRange(from, _truths.Count - from);
        }
    }

    public void Clear()
    {
        if (pooled)
        {
            ClearCore();
            return;
        }

        lock (_lock)
        {
            ClearCore();
        }
    }

    private void ClearCore()
    {
        if (_truths.Count == 0 && _rules is null)
        {
            return;
        }

        foreach (var truths in _truths)
        {
            Recycle(truths);
        }

        _ticks.Clear();
        _truths.Clear();
        _rules = null;
    }

    private void Recycle(Truth[] truths)
    {
        if (_free is { Count: < FreeLimit })
        {
            _free.Push(truths);
        }
    }

    /// <summary>The index of the first kept point at or after <paramref name="ticks"/>.</summary>
    private int LowerBound(long ticks)
    {
        var all = _ticks;
        int lo = 0, hi = all.Count;
        if (hi == 0 || all[hi - 1] < ticks)
        {
            return hi;
        }

        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (all[mid] < ticks)
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

    private bool TryGetCore(ProtocolRules rules, long ticks, out Truth[] truths)
    {
        if (ReferenceEquals(_rules, rules))
        {
            var k = LowerBound(ticks);
            if (k < _ticks.Count && _ticks[k] == ticks)
            {
                truths = _truths[k];
                return true;
            }
        }

        truths = [];
        return false;
    }

    private void AddCore(ProtocolRules rules, long ticks, Truth[] truths)
    {
        if (!ReferenceEquals(_rules, rules))
        {
            ClearCore();
            _rules = rules;
        }

        var k = LowerBound(ticks);
        if (k < _ticks.Count && _ticks[k] == ticks)
        {
            if (!ReferenceEquals(_truths[k], truths))
            {
                Recycle(_truths[k]);
            }

            _truths[k] = truths;
            return;
        }
        if (_ticks.Count >= Limit)
        {
            return;
        }

        _ticks.Insert(k, ticks);
        _truths.Insert(k, truths);
    }
}
