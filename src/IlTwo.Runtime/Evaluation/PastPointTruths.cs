using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// The rules' truths at the course's earlier assessment points, kept by a <see cref="PatientTimeline"/> across decisions.
/// A point reads only what was recorded at or before it (a past-point snapshot checks no issues), so an entry stays
/// valid until the record changes at or before its time: an append at time x drops the entries at x and later, a new
/// weight or a correction drops them all. A bedside feed that charts the newest value drops nothing.
/// </summary>
/// <remarks>Locked, so that decisions over one timeline may run at once (a change still must not run beside them).</remarks>
internal sealed class PastPointTruths
{
    /// <summary>More points than a course has (doses and yes/no charting times); a bound, so a feed cannot grow it without end.</summary>
    private const int Limit = 100_000;

    private readonly Dictionary<long, Truth[]> _byTicks = [];
    private readonly Lock _lock = new();
    private ProtocolRules? _rules;
    private long _latest = long.MinValue;

    /// <summary>The truths <paramref name="rules"/> gave at <paramref name="ticks"/>, when kept.</summary>
    public bool TryGet(ProtocolRules rules, long ticks, out Truth[] truths)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_rules, rules) && _byTicks.TryGetValue(ticks, out var found))
            {
                truths = found;
                return true;
            }
        }
        truths = [];
        return false;
    }

    /// <summary>Keeps <paramref name="truths"/> (never written again by the caller) as the truths of <paramref name="rules"/> at <paramref name="ticks"/>.</summary>
    public void Add(ProtocolRules rules, long ticks, Truth[] truths)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_rules, rules))
            {
                _byTicks.Clear();
                _latest = long.MinValue;
                _rules = rules;
            }
            if (_byTicks.Count >= Limit)
            {
                return;
            }

            _byTicks[ticks] = truths;
            _latest = Math.Max(_latest, ticks);
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
            _byTicks.Clear();
            _latest = long.MinValue;
        }
    }
}
