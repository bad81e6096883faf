using System.Globalization;

namespace IlTwo.Cli;

/// <summary>How much <see cref="ProtocolCache"/> keeps.</summary>
/// <param name="MaxEntries">Entries kept for the running compiler, the most recently used.</param>
/// <param name="MaxOtherCompilers">Folders kept of other compiler identities (another il2 build or version), the most recently used.</param>
/// <param name="OtherCompilerAge">A folder of another compiler unused this long is removed.</param>
/// <param name="Grace">Nothing younger than this is removed: a concurrent run may have written it and not yet named it in an entry.</param>
/// <param name="TouchInterval">A hit marks what it used as used at most this often (one write per file per interval).</param>
public sealed record CacheLimits(int MaxEntries, int MaxOtherCompilers, TimeSpan OtherCompilerAge, TimeSpan Grace, TimeSpan TouchInterval)
{
    public static CacheLimits Default { get; } = new(256, 8, TimeSpan.FromDays(7), TimeSpan.FromHours(1), TimeSpan.FromHours(1));
}

/// <summary>
/// Keeps the cache from growing without end: every build of il2 is a compiler identity of its own, and every edit of a
/// protocol an entry of its own. Runs after a store, so only after a compile that took seconds. "Used" is a file's last
/// write time, which a hit refreshes (<see cref="Touch"/>). Whatever this removes is at worst a miss for a concurrent run:
/// an entry whose assembly is gone fails its check and is compiled again; nothing unverified is ever loaded.
/// </summary>
internal static class CacheTrim
{
    /// <summary>Never throws for the file system: a trim that fails leaves the cache as it was, and the store it follows stands.</summary>
    public static void Run(string root, string compilerFolder, CacheLimits limits, DateTime nowUtc)
    {
        Try(() => TrimEntries(compilerFolder, limits, nowUtc));
        Try(() => TrimOtherCompilers(root, compilerFolder, limits, nowUtc));
    }

    /// <summary>Marks the files a hit read (and their folder) as used, at most once per <see cref="CacheLimits.TouchInterval"/>.</summary>
    public static void Touch(CacheLimits limits, DateTime nowUtc, params string[] paths)
    {
        foreach (var path in paths)
        {
            Try(() =>
            {
                if (Directory.Exists(path))
                {
                    if (nowUtc - Directory.GetLastWriteTimeUtc(path) > limits.TouchInterval)
                    {
                        Directory.SetLastWriteTimeUtc(path, nowUtc);
                    }
                }
                else if (nowUtc - File.GetLastWriteTimeUtc(path) > limits.TouchInterval)
                {
                    File.SetLastWriteTimeUtc(path, nowUtc);
                }
            });
        }
    }

    private static void TrimEntries(string folder, CacheLimits limits, DateTime nowUtc)
    {
        var files = new DirectoryInfo(folder).GetFiles();
        var entries = files.Where(f => f.Extension == ".entry").OrderByDescending(f => f.LastWriteTimeUtc).ToList();
        var kept = entries.Take(limits.MaxEntries).ToList();
        foreach (var evicted in entries.Skip(limits.MaxEntries))
        {
            Delete(evicted);
        }

        // The assemblies the kept entries name stay; an entry that cannot be read names nothing (it is a miss anyway).
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in kept)
        {
            Try(() =>
            {
                if (CacheEntry.Parse(File.ReadAllText(entry.FullName), out _) is { } parsed)
                {
                    named.Add(parsed.AssemblyHash + ".dll");
                    named.Add(parsed.PdbHash + ".pdb");
                }
            });
        }

        // A report outlives its entry by no more than the least recently used entry kept.
        var oldestKept = kept.Count < limits.MaxEntries ? DateTime.MinValue : kept[^1].LastWriteTimeUtc;
        foreach (var file in files)
        {
            if (nowUtc - file.LastWriteTimeUtc < limits.Grace)
            {
                continue;
            }

            var orphan = file.Extension switch
            {
                ".dll" or ".pdb" => !named.Contains(file.Name),
                ".test" => file.LastWriteTimeUtc < oldestKept,
                ".tmp" => true, // left by a run that was killed while writing
                _ => false,
            };
            if (orphan)
            {
                Delete(file);
            }
        }
    }

    private static void TrimOtherCompilers(string root, string compilerFolder, CacheLimits limits, DateTime nowUtc)
    {
        var others = new DirectoryInfo(root).GetDirectories()
            .Where(d => IsCompilerFolderName(d.Name) && !string.Equals(d.FullName, compilerFolder, StringComparison.Ordinal) && HoldsEntries(d))
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .ToList();
        for (var i = 0; i < others.Count; i++)
        {
            var unused = nowUtc - others[i].LastWriteTimeUtc;
            if (unused >= limits.Grace && (i >= limits.MaxOtherCompilers || unused > limits.OtherCompilerAge))
            {
                Try(() => others[i].Delete(recursive: true));
            }
        }
    }

    /// <summary>
    /// Whether a folder holds an entry of ours (a <c>.entry</c> file that starts as <see cref="CacheEntry.Format"/> writes
    /// one): the cache folder may be one the user named (<see cref="ProtocolCache.DirectoryVariable"/>), shared with other
    /// things, so a folder is removed only when it is shown to be ours, not for its name alone.
    /// </summary>
    private static bool HoldsEntries(DirectoryInfo folder)
    {
        try
        {
            foreach (var entry in folder.EnumerateFiles("*.entry"))
            {
                using var reader = entry.OpenText();
                if (reader.ReadLine() == CacheEntry.Header)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return false;
    }

    /// <summary>Only folders named as <see cref="ProtocolCache"/> names them (16 lower-case hex digits): nothing else in the folder is ours to remove.</summary>
    internal static bool IsCompilerFolderName(string name) =>
        name.Length == 16 && name.All(char.IsAsciiHexDigitLower) && ulong.TryParse(name, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _);

    private static void Delete(FileInfo file) => Try(file.Delete);

    /// <summary>Trimming is housekeeping: another run deleting the same file, or a read-only cache, is not an error.</summary>
    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
