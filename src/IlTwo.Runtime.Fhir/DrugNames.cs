using System.Collections.Concurrent;
using System.Collections.Immutable;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// The names a drug goes by, and what merely looks like it. A small vendored table: only synonyms confirmed in public
/// references are listed (aldesleukin: brand name Proleukin, per the drug's monograph). No RxNorm codes are vendored:
/// a protocol declares the codes it relies on (<c>drug aldesleukin code "system|code"</c>).
/// </summary>
public static class DrugNames
{
    private static readonly ImmutableDictionary<string, ImmutableArray<string>> Synonyms =
        new Dictionary<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aldesleukin"] = ["proleukin"],
        }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Word stems that suggest the drug (e.g. another interleukin-2 product, a misspelling) without naming it.</summary>
    private static readonly ImmutableDictionary<string, ImmutableArray<string>> Stems =
        new Dictionary<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aldesleukin"] = ["leukin", "interleukin", "il-2", "il 2", "il2"],
        }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The drug's own name and its synonyms.</summary>
    public static ImmutableArray<string> NamesOf(string drug) =>
        [drug, .. Synonyms.TryGetValue(drug, out var more) ? more : []];

    // Each drug's names as words, split once (the reader asks for every administration of every request).
    private static readonly ConcurrentDictionary<string, string[][]> NameWords = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the text names the drug: one of its names (or synonyms) appears as whole words, in any case, so that
    /// "Proleukin" and "aldesleukin 600,000 IU/kg IV" match aldesleukin and "aldesleukinase" does not.
    /// </summary>
    public static bool Names(string text, string drug)
    {
        var names = NameWords.Count < 1000
            ? NameWords.GetOrAdd(drug, d => [.. NamesOf(d).Select(n => Words(n).ToArray())])
            : [.. NamesOf(drug).Select(n => Words(n).ToArray())];
        var words = Words(text);
        foreach (var wanted in names)
        {
            if (wanted.Length == 0)
            {
                continue;
            }

            for (var i = 0; i + wanted.Length <= words.Count; i++)
            {
                var all = true;
                for (var k = 0; k < wanted.Length && all; k++)
                {
                    all = words[i + k] == wanted[k];
                }

                if (all)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Whether a text that does not name the drug still looks like it: it contains one of the drug's stems
    /// ("leukin", "interleukin", "IL-2" for aldesleukin), a name of the drug inside a longer word, or a word within two
    /// edits of a name (a misspelling).
    /// </summary>
    public static bool LooksLike(string text, string drug)
    {
        var lower = text.ToLowerInvariant();
        if (Stems.TryGetValue(drug, out var stems) && stems.Any(s => Contains(lower, s)))
        {
            return true;
        }

        foreach (var name in NamesOf(drug).Select(n => n.ToLowerInvariant()))
        {
            if (name.Length >= 4 && lower.Contains(name, StringComparison.Ordinal))
            {
                return true;
            }

            if (name.Length >= 5 && Words(lower).Any(w => w.Length >= 4 && Math.Abs(w.Length - name.Length) <= 2 && Levenshtein.Distance(w, name) <= 2))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A stem with a space or a hyphen also matches the other spelling; a short one ("il2") only as a whole word.</summary>
    private static bool Contains(string lower, string stem)
    {
        if (stem.Contains(' ', StringComparison.Ordinal) || stem.Contains('-', StringComparison.Ordinal))
        {
            var words = Words(lower);
            var wanted = Words(stem);
            for (var i = 0; i + wanted.Count <= words.Count; i++)
            {
                if (wanted.Select((w, k) => words[i + k] == w).All(x => x))
                {
                    return true;
                }
            }
            return false;
        }
        return stem.Length <= 3 ? Words(lower).Contains(stem) : lower.Contains(stem, StringComparison.Ordinal);
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        Span<char> scratch = stackalloc char[64];
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }
            if (start >= 0)
            {
                var word = text.AsSpan(start, i - start);
                var lower = word.Length <= scratch.Length ? scratch[..word.Length] : new char[word.Length];
                for (var k = 0; k < word.Length; k++)
                {
                    lower[k] = char.ToLowerInvariant(word[k]);
                }

                words.Add(new string(lower));
                start = -1;
            }
        }
        return words;
    }
}
