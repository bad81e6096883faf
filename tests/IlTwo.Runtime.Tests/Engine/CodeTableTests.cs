using IlTwo.Runtime.Evaluation;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// The binding's code lookup (<see cref="CodeTable"/>: a perfect hash, keys of 4-16 characters compared as words) must
/// answer exactly as an ordinal dictionary: every key, and every code that differs from a key in one character, in
/// case, by a character more or less, or is empty.
/// </summary>
public sealed class CodeTableTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 40)]
    [InlineData(3, 120)]
    [InlineData(4, 600)]
    public void Answers_as_an_ordinal_dictionary(int seed, int keys)
    {
        var random = new Random(seed);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_ ABCé";
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        while (map.Count < keys)
        {
            var length = random.Next(5) == 0 ? random.Next(0, 4) : random.Next(4, 30);
            var key = new string([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            map.TryAdd(key, map.Count);
        }

        var table = CodeTable.Create(map);
        var probes = new List<string>();
        foreach (var key in map.Keys)
        {
            probes.Add(new string(key.AsSpan())); // the same characters, another string
            for (var i = 0; i < key.Length; i++)
            {
                var chars = key.ToCharArray();
                chars[i] = chars[i] == 'x' ? 'y' : 'x';
                probes.Add(new string(chars));
                probes.Add(key.Remove(i, 1));
            }
            probes.Add(key + "x");
            probes.Add("x" + key);
            probes.Add(key.ToUpperInvariant());
        }
        probes.Add("");
        foreach (var probe in probes)
        {
            Assert.Equal(map.TryGetValue(probe, out var value) ? value : -1, table.Get(probe));
        }
    }

    [Fact]
    public void The_shipped_protocols_codes_are_found()
    {
        string[] codes = ["8480-6", "8867-4", "59408-5", "3151-8", "9187-6", "2160-0", "14682-9", "1963-8", "1975-2", "777-3", "sbp",
            "sustained-vt", "fluid-refractory-hypotension", "oliguria-despite-boluses", "max-phenylephrine", "arrhythmia"];
        var map = codes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var table = CodeTable.Create(map);
        for (var i = 0; i < codes.Length; i++)
        {
            Assert.Equal(i, table.Get(new string(codes[i].AsSpan())));
        }

        Assert.Equal(-1, table.Get("8310-5"));
        Assert.Equal(-1, table.Get("Sustained-VT"));
        Assert.Equal(-1, table.Get("sustained_vt"));
    }
}
