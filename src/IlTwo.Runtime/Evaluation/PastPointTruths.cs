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

    private readonly Dictionary<long, Truth[]> _byTicks = [];
    private readonly Lock _lock = new();
    private readonly Stack<Truth[]>? _free = pooled ? new() : null;
    private ProtocolRules? _rules;
    private long _latest = long.MinValue;

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
            if (ticks > _latest)
            {
                return;
            }

            List<long>? stale = null;
            foreach (var key in _byTicks.Keys)
            {
                if (key >= ticks)
                {
                    (stale ??= []).Add(key);
                }
            }
            foreach (var key in stale ?? [])
            {
                _byTicks.Remove(key);
            }

            _latest = _byTicks.Count == 0 ? long.MinValue : _byTicks.Keys.Max();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            if (_free is not null)
            {
                foreach (var truths in _byTicks.Values)
                {
                    Recycle(truths);
                }
            }

            _byTicks.Clear();
            _latest = long.MinValue;
            _rules = null;
        }
    }

    private void Recycle(Truth[] truths)
    {
        if (_free is { Count: < FreeLimit })
        {
            _free.Push(truths);
        }
    }

    private bool TryGetCore(ProtocolRules rules, long ticks, out Truth[] truths)
    {
        if (ReferenceEquals(_rules, rules) && _byTicks.TryGetValue(ticks, out var found))
        {
            truths = found;
            return true;
        }

        truths = [];
        return false;
    }

    private void AddCore(ProtocolRules rules, long ticks, Truth[] truths)
    {
        if (!ReferenceEquals(_rules, rules))
        {
            if (_free is not null)
            {
                foreach (var dropped in _byTicks.Values)
                {
                    Recycle(dropped);
                }
            }

            _byTicks.Clear();
            _latest = long.MinValue;
            _rules = rules;
        }
        if (_byTicks.Count >= Limit)
        {
            return;
        }

        if (_free is not null && _byTicks.TryGetValue(ticks, out var replaced) && !ReferenceEquals(replaced, truths))
        {
            Recycle(replaced);
        }

        _byTicks[ticks] = truths;
        _latest = Math.Max(_latest, ticks);
    }
}
