namespace IlTwo.Runtime.Records;

/// <summary>
/// Levenshtein edit distance: the one implementation behind "did you mean" hints (record properties, protocol names)
/// and the near-miss observation codes a snapshot refuses to drop silently.
/// </summary>
public static class Levenshtein
{
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// The candidate nearest to <paramref name="word"/> within <paramref name="maxDistance"/> edits, ties in ordinal
    /// order; null when none is that near. The one "did you mean" choice of the CLI, the compiler and the record readers.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates, int maxDistance) =>
        candidates
            .Select(c => (Name: c, Distance: Distance(word, c)))
            .Where(c => c.Distance <= maxDistance)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
}
