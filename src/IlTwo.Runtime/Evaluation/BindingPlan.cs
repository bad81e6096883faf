using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// What binding a record to a protocol needs from the protocol, resolved once per protocol and looked up once per
/// timeline (not per entry): which observation a record code means, each observation's conversions from the units
/// records chart it in, the codes that nearly name an observation, and the record checks' plan.
/// </summary>
internal sealed class BindingPlan
{
    /// <summary>At most this many record codes' near-miss answers are kept, so a record full of invented codes cannot grow the cache without bound.</summary>
    private const int NearMissLimit = 4096;

    private static readonly ConditionalWeakTable<ProtocolInfo, BindingPlan> Cache = [];

    private readonly CodeTable _byCode;
    private readonly UnitCache[] _units;
    private readonly ConcurrentDictionary<string, int> _nearMisses = new(StringComparer.Ordinal);
    private readonly double[] _low;
    private readonly double[] _high;
    private readonly DeclaredRead[] _declared;
    private WeightUnit? _weightUnit;

    private BindingPlan(ProtocolInfo protocol)
    {
        Protocol = protocol;
        Observations = [.. protocol.Observations];
        Checks = new RecordChecks.Plan(protocol);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in protocol.Observations)
        {
            map.TryAdd(o.Name, o.Index);
            foreach (var code in o.Codes)
            {
                map.TryAdd(code, o.Index);
            }
        }
        _byCode = CodeTable.Create(map);
        RecencySeconds = [.. Observations.Select(o => o.RecencySeconds)];
        _low = new double[Observations.Length];
        _high = new double[Observations.Length];
        for (var i = 0; i < Observations.Length; i++)
        {
            (_low[i], _high[i]) = RecordChecks.Bounds(Observations[i]);
        }

        EventNamesUnique = protocol.Events.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() == protocol.Events.Length;
        _units = new UnitCache[Observations.Length];
        for (var i = 0; i < _units.Length; i++)
        {
            _units[i] = new UnitCache();
        }

        _declared = new DeclaredRead[Observations.Length];
        for (var i = 0; i < _declared.Length; i++)
        {
            _declared[i] = DeclaredRead.For(Observations[i], _low[i], _high[i]);
        }
    }

    /// <summary>
    /// Per observation (by index), what reading a good entry in the common case needs, in one place: see
    /// <see cref="DeclaredRead"/>. A record entry that is not that case is read by <see cref="PatientTimeline"/>'s general path.
    /// </summary>
    public DeclaredRead[] Declared => _declared;

    public static BindingPlan For(ProtocolInfo protocol) => Cache.GetValue(protocol, static p => new BindingPlan(p));

    public ProtocolInfo Protocol { get; }

    public ObservationInfo[] Observations { get; }

    public RecordChecks.Plan Checks { get; }

    /// <summary>Whether no two of the protocol's events share a name (so a record event is at most one of them).</summary>
    public bool EventNamesUnique { get; }

    /// <summary>Each observation's <see cref="ObservationInfo.RecencySeconds"/>, by index (what every <c>Latest</c> reads).</summary>
    public double[] RecencySeconds { get; }

    /// <summary>Whether <paramref name="declared"/> (in the declared unit) is a plausible value of observation <paramref name="observation"/>: <see cref="RecordChecks.InRange"/>, its bounds worked out once.</summary>
    public bool InRange(int observation, double declared) =>
        double.IsFinite(declared) && declared >= _low[observation] && declared <= _high[observation];

    /// <summary>The observation a record code means (its name or one of its LOINC codes), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ObservationOf(string code) => _byCode.Get(code);

    /// <summary>The observation a code that means none nearly names (see <see cref="RecordChecks.Plan.NearMiss"/>), or -1; cached per code.</summary>
    public int NearMiss(string code)
    {
        if (_nearMisses.TryGetValue(code, out var near))
        {
            return near;
        }

        near = Checks.NearMiss(code);
        if (_nearMisses.Count < NearMissLimit)
        {
            _nearMisses.TryAdd(code, near);
        }

        return near;
    }

    /// <summary>The conversion of observation <paramref name="observation"/> from <paramref name="unit"/> (or why there is none).</summary>
    public UnitEntry Unit(int observation, string unit) => _units[observation].Get(Observations[observation], unit);

    /// <summary>How a weight charted in <paramref name="unit"/> becomes grams (the last unit asked is kept: records chart weight in one unit).</summary>
    public WeightUnit Weight(string unit)
    {
        var last = Volatile.Read(ref _weightUnit);
        if (last is not null && string.Equals(last.Unit, unit, StringComparison.Ordinal))
        {
            return last;
        }

        var made = new WeightUnit(unit);
        Volatile.Write(ref _weightUnit, made);
        return made;
    }

    /// <summary>A weight unit's factor to grams, or why it is not a unit of mass.</summary>
    internal sealed class WeightUnit
    {
        public WeightUnit(string unit)
        {
            Unit = unit;
            if (Ucum.TryParse(unit, out var parsed, out var error) && Ucum.TryParse("g", out var grams, out _) && Ucum.AreCommensurable(parsed, grams))
            {
                Factor = parsed.Factor;
            }
            else
            {
                Error = error ?? $"weight unit '{unit}' is not a unit of mass";
            }
        }

        public string Unit { get; }

        public double Factor { get; }

        /// <summary>Null when the unit is a unit of mass.</summary>
        public string? Error { get; }
    }

    /// <summary>
    /// One observation's conversions from the units records chart it in: a short list (one or two units in practice)
    /// compared by reference, then ordinally, with no hashing and no shared key. At most <see cref="Limit"/> are kept.
    /// </summary>
    private sealed class UnitCache
    {
        private const int Limit = 32;

        private readonly Lock _lock = new();
        private UnitEntry[] _entries = [];

        public UnitEntry Get(ObservationInfo observation, string unit)
        {
            var entries = Volatile.Read(ref _entries);
            foreach (var entry in entries)
            {
                if (string.Equals(entry.Unit, unit, StringComparison.Ordinal))
                {
                    return entry;
                }
            }

            var made = UnitEntry.For(observation, unit);
            lock (_lock)
            {
                var current = _entries;
                foreach (var entry in current)
                {
                    if (string.Equals(entry.Unit, unit, StringComparison.Ordinal))
                    {
                        return entry;
                    }
                }

                if (current.Length < Limit)
                {
                    Volatile.Write(ref _entries, [.. current, made]);
                }
            }
            return made;
        }
    }
}

/// <summary>
/// The common case of reading an entry, worked out once per observation: a yes/no observation charted yes or no, or a
/// measured one charted as a number in its declared unit (the very string of the protocol's <c>unit</c>) and within its
/// plausible range. The value is then what the general path (<see cref="BindingPlan.Unit"/>, <see cref="BindingPlan.InRange"/>)
/// gives: the same <see cref="UnitEntry"/> (made here for the declared unit), the same bounds, the same arithmetic.
/// Anything else (another unit, no value, a value out of range or not finite, a flag for a number, a declared unit
/// that does not parse) is left to the general path, which reports it as before.
/// </summary>
internal readonly struct DeclaredRead
{
    private readonly string? _unit;
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private DeclaredRead(bool yesNo, string? unit, double low, double high, double factor, double offset)
    {
        YesNo = yesNo;
        _unit = unit;
        Low = low;
        High = high;
        Factor = factor;
        Offset = offset;
        if (unit is { Length: >= 4 and <= 16 })
        {
            (_w0, _w1, _w2, _w3) = CodeTable.Words(unit);
        }
    }

    /// <summary>The observation is yes/no: a flag is read as 1 or 0.</summary>
    public bool YesNo { get; }

    /// <summary>Whether a number charted in the declared unit may be read here (false: always the general path).</summary>
    public bool Numeric => _unit is not null;

    /// <summary>The observation's plausible bounds in its declared unit (<see cref="RecordChecks.Bounds"/>).</summary>
    public double Low { get; }

    public double High { get; }

    /// <summary>The declared unit's conversion to canonical base units (<see cref="UnitEntry.Declared"/> of the declared unit).</summary>
    public double Factor { get; }

    public double Offset { get; }

    public static DeclaredRead For(ObservationInfo observation, double low, double high)
    {
        if (observation.IsYesNo)
        {
            return new DeclaredRead(true, null, low, high, 0, 0);
        }

        if (observation.Unit is not { Length: > 0 } unit)
        {
            return default;
        }

        var entry = UnitEntry.For(observation, unit);
        return entry.Ok && !entry.Converted
            ? new DeclaredRead(false, unit, low, high, entry.Declared.Factor, entry.Declared.Offset)
            : default;
    }

    /// <summary>Whether <paramref name="unit"/> is the declared unit, ordinally (its characters compared in registers when it has 4 to 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDeclaredUnit(string unit)
    {
        var declared = _unit!;
        if (ReferenceEquals(unit, declared))
        {
            return true;
        }

        var length = unit.Length;
        if (length != declared.Length)
        {
            return false;
        }

        if (length is >= 4 and <= 16)
        {
            var (w0, w1, w2, w3) = CodeTable.Words(unit);
            return ((w0 ^ _w0) | (w1 ^ _w1) | (w2 ^ _w2) | (w3 ^ _w3)) == 0;
        }

        return length switch
        {
            1 => unit[0] == declared[0],
            2 => unit[0] == declared[0] && unit[1] == declared[1],
            3 => unit[0] == declared[0] && unit[1] == declared[1] && unit[2] == declared[2],
            _ => string.Equals(unit, declared, StringComparison.Ordinal),
        };
    }
}

/// <summary>
/// How a value charted in <see cref="Unit"/> becomes the observation's: record unit to declared unit
/// (<see cref="ToDeclared"/>) and declared unit to canonical base units (<see cref="Declared"/>), kept apart (the
/// declared value is rounded and range-checked in between); or, when <see cref="Ok"/> is false, why not.
/// </summary>
internal sealed class UnitEntry
{
    private UnitEntry(string unit, UnitConversion toDeclared, UnitConversion declared, bool converted, string? error)
    {
        Unit = unit;
        ToDeclared = toDeclared;
        Declared = declared;
        Converted = converted;
        Error = error;
    }

    public string Unit { get; }

    public bool Ok => Error is null;

    public UnitConversion ToDeclared { get; }

    public UnitConversion Declared { get; }

    /// <summary>Whether the record's unit is not the declared one (the value is converted, and shown as charted).</summary>
    public bool Converted { get; }

    public string? Error { get; }

    public static UnitEntry For(ObservationInfo observation, string recordUnit)
    {
        if (!Ucum.TryParse(recordUnit, out var from, out var error))
        {
            return Failed(recordUnit, error);
        }

        if (observation.Unit is null || !Ucum.TryParse(observation.Unit, out var declared, out error))
        {
            return Failed(recordUnit, error ?? $"'{observation.Name}' has no unit to convert to");
        }
        if (!Ucum.TryGetConversion(from, declared, observation.MolarMass, out var toDeclared, out error))
        {
            return Failed(recordUnit, $"'{observation.Name}' in {recordUnit} cannot be converted to {observation.Unit}: {error}");
        }
        var converted = recordUnit != observation.Unit && toDeclared != UnitConversion.Identity;
        return new UnitEntry(recordUnit, toDeclared, new UnitConversion(declared.Factor, declared.Offset), converted, null);
    }

    private static UnitEntry Failed(string unit, string? error) => new(unit, default, default, false, error ?? $"'{unit}' is not a unit");
}
