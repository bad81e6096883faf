using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// Which observation a record code means: a perfect hash over the protocol's codes and names, so a lookup is a few
/// character reads, one slot and one comparison (a record of 50 entries looks up 50 codes on every decision; a general
/// string dictionary hashes every character, walks a bucket and compares through a call).
/// </summary>
/// <remarks>
/// <para>The hash reads the code's length and the characters at a few positions counted from its start and its end;
/// the positions, the multiplier and the table size are chosen when the table is built so that no two keys share a
/// slot (tried in turn, the table doubled until they fit). A code that is not a key lands on some slot and fails the
/// comparison, so the answer is exactly the dictionary's: ordinal, case-sensitive, whole string.</para>
/// <para>A key of 4 to 16 characters (every LOINC code, most names) is kept in its slot as the characters themselves
/// (two or four overlapping 64-bit words that together cover every character), so a code is compared in registers,
/// without following the key's reference or calling a span comparison; a shorter or longer key is compared as a
/// string.</para>
/// </remarks>
internal sealed class CodeTable
{
    /// <summary>Sets of (offset from start, from end, from start, from end) positions tried in turn.</summary>
    private static readonly (int A, int B, int C, int D)[] Positions =
    [
        (0, 0, 1, 1), (0, 0, 2, 2), (1, 1, 3, 3), (0, 1, 2, 3), (2, 1, 4, 2), (0, 0, 3, 1), (1, 0, 2, 4), (3, 2, 5, 1),
    ];

    /// <summary>Odd 64-bit multipliers tried in turn (multiply-shift hashing).</summary>
    private static readonly ulong[] Multipliers =
    [
        0x9E3779B97F4A7C15ul, 0xC2B2AE3D27D4EB4Ful, 0x165667B19E3779F9ul, 0xD6E8FEB86659FD93ul,
        0xFF51AFD7ED558CCDul, 0xC4CEB9FE1A85EC53ul, 0x94D049BB133111EBul, 0xBF58476D1CE4E5B9ul,
    ];

    private readonly Entry[] _entries;
    private readonly int _a;
    private readonly int _b;
    private readonly int _c;
    private readonly int _d;
    private readonly ulong _multiplier;
    private readonly int _shift;

    /// <summary>A fallback when no perfect hash fits (never for a protocol's few dozen codes): a plain dictionary.</summary>
    private readonly Dictionary<string, int>? _fallback;

    private CodeTable(int size, (int A, int B, int C, int D) positions, ulong multiplier)
    {
        _entries = new Entry[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        (_a, _b, _c, _d) = positions;
        _multiplier = multiplier;
    }

    private CodeTable(Dictionary<string, int> fallback)
    {
        _entries = [];
        _fallback = fallback;
    }

    /// <summary>A table mapping each key of <paramref name="map"/> (ordinal) to its value.</summary>
    public static CodeTable Create(IReadOnlyDictionary<string, int> map)
    {
        var keys = map.Keys.ToArray();
        for (var size = Math.Max(8, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, keys.Length * 2))); size <= 1 << 16; size *= 2)
        {
            foreach (var positions in Positions)
            {
                foreach (var multiplier in Multipliers)
                {
                    if (TryBuild(map, keys, size, positions, multiplier) is { } table)
                    {
                        return table;
                    }
                }
            }
        }

        return new CodeTable(new Dictionary<string, int>(map, StringComparer.Ordinal));
    }

    private static CodeTable? TryBuild(IReadOnlyDictionary<string, int> map, string[] keys, int size, (int A, int B, int C, int D) positions, ulong multiplier)
    {
        var table = new CodeTable(size, positions, multiplier);
        foreach (var key in keys)
        {
            ref var entry = ref table._entries[table.Slot(key)];
            if (entry.Key is not null)
            {
                return null;
            }

            entry.Key = key;
            entry.Length = key.Length;
            entry.Value = map[key];
            if (key.Length is >= 4 and <= 16)
            {
                (entry.W0, entry.W1, entry.W2, entry.W3) = Words(key);
            }
        }
        return table;
    }

    /// <summary>The value of <paramref name="code"/>, or -1 when it is not a key.</summary>
    /// <remarks>Inlined: binding calls it once per entry, in a loop of its own (see <c>PatientTimeline.ReadShort</c>).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(string code)
    {
        if (_fallback is not null)
        {
            return _fallback.TryGetValue(code, out var value) ? value : -1;
        }

        ref var entry = ref _entries[Slot(code)];
        var length = code.Length;
        if (entry.Length != length || entry.Key is null)
        {
            return -1;
        }

        if (length is >= 4 and <= 16)
        {
            var (w0, w1, w2, w3) = Words(code);
            return ((w0 ^ entry.W0) | (w1 ^ entry.W1) | (w2 ^ entry.W2) | (w3 ^ entry.W3)) == 0 ? entry.Value : -1;
        }

        return string.Equals(entry.Key, code, StringComparison.Ordinal) ? entry.Value : -1;
    }

    /// <summary>
    /// Four 64-bit words (four characters each) that together cover every character of a string of 4 to 16 characters:
    /// characters 0-3, 4-7 (or the last four when shorter), the eight before the last four, and the last four (words may
    /// overlap). Two strings of one length have the same words exactly when they are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong, ulong, ulong, ulong) Words(string s)
    {
        ref var bytes = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(s.AsSpan()));
        var length = s.Length;
        var w0 = Unsafe.ReadUnaligned<ulong>(ref bytes);
        var w3 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 4) * 2));
        var w1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, Math.Min(4, length - 4) * 2));
        var w2 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, Math.Max(0, length - 8) * 2));
        return (w0, w1, w2, w3);
    }

    private int Slot(string code)
    {
        var length = code.Length;
        if (length == 0)
        {
            return 0;
        }
        // Four characters (a position past a short code's length reads its last or first character) and the length,
        // packed into one word and hashed by one multiplication (multiply-shift): no chain of dependent multiplications.
        var last = length - 1;
        var packed = code[Math.Min(_a, last)]
            | ((ulong)code[last - Math.Min(_b, last)] << 16)
            | ((ulong)code[Math.Min(_c, last)] << 32)
            | ((ulong)code[last - Math.Min(_d, last)] << 48);
        return (int)(((packed ^ ((ulong)length * 0x9E3779B97F4A7C15ul)) * _multiplier) >> _shift);
    }

    private struct Entry
    {
        public string? Key;
        public int Length;
        public int Value;
        public ulong W0;
        public ulong W1;
        public ulong W2;
        public ulong W3;
    }
}
