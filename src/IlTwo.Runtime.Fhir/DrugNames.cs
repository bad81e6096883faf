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

    /// <summary>
    /// Whether the text names the drug: one of its names (or synonyms) appears as whole words, in any case, so that
    /// "Proleukin" and "aldesleukin 600,000 IU/kg IV" match aldesleukin and "aldesleukinase" does not.
    /// </summary>
    public static bool Names(string text, string drug)
    {
        var words = Words(text);
        foreach (var name in NamesOf(drug))
        {
            var wanted = Words(name);
            if (wanted.Count == 0)
            {
                continue;
            }

            for (var i = 0; i + wanted.Count <= words.Count; i++)
            {
                if (wanted.Select((w, k) => words[i + k] == w).All(x => x))
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
        var current = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
