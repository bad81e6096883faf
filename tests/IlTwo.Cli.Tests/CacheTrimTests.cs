namespace IlTwo.Cli.Tests;

/// <summary>
/// The protocol cache stays bounded: the least recently used entries beyond the limit go with their assemblies, a hit
/// keeps an entry in use, other compilers' folders go when unused, and nothing young or not ours is touched.
/// </summary>
public sealed class CacheTrimTests : IDisposable
{
    private static readonly CacheLimits TwoEntries = CacheLimits.Default with { MaxEntries = 2 };

    private readonly TempFolder _sources = new();
    private readonly TempFolder _cacheFolder = new();
    private DateTime _now = DateTime.UtcNow;

    public void Dispose()
    {
        _sources.Dispose();
        _cacheFolder.Dispose();
    }

    private ProtocolCache Cache(CacheLimits limits) => new(_cacheFolder.Path) { Limits = limits, UtcNow = () => _now };

    /// <summary>A small protocol of its own per name (a different file and text: a different entry and assembly).</summary>
    private string Protocol(string name) => _sources.Write($"{name}.il2", $$"""
        protocol {{name}}
        title "{{name}}"
        version 1.0.0
        reference r "r"
        regimen {
          drug aldesleukin
          every 8 h
          cite r "r"
        }
        observation sbp "Systolic blood pressure" {
          loinc 8480-6
          unit mm[Hg]
          within 4 h
        }
        hold rule sbp-low "low" {
          when sbp < 90 mm[Hg]
          cite r "r"
        }
        """);

    private static ProtocolBuild Build(ProtocolCache cache, string path) => ProtocolBuilds.Build(path, File.ReadAllBytes(path), cache, withCompilation: false);

    private string[] Files(string pattern) => Directory.GetFiles(_cacheFolder.Path, pattern, SearchOption.AllDirectories);

    [Fact]
    public void Entries_beyond_the_limit_go_least_recently_used_first_with_their_assemblies()
    {
        var cache = Cache(TwoEntries);
        string[] protocols = [Protocol("p-a"), Protocol("p-b"), Protocol("p-c")];
        Build(cache, protocols[0]);
        Build(cache, protocols[1]);
        Assert.Equal(2, Files("*.dll").Length);

        // Two hours on, past the grace period, a third protocol is built: the oldest entry goes.
        _now += TimeSpan.FromHours(2);
        Build(cache, protocols[2]);

        Assert.Equal(2, Files("*.entry").Length);
        Assert.Equal(2, Files("*.dll").Length);
        Assert.Equal(2, Files("*.pdb").Length);
        Assert.True(Build(cache, protocols[1]).FromCache);
        Assert.True(Build(cache, protocols[2]).FromCache);
        var rebuilt = Build(cache, protocols[0]);
        Assert.False(rebuilt.FromCache);
        Assert.True(rebuilt.Assembly.Success);
    }

    [Fact]
    public void An_entry_a_hit_used_stays_and_the_unused_one_goes()
    {
        var cache = Cache(TwoEntries);
        string[] protocols = [Protocol("p-a"), Protocol("p-b"), Protocol("p-c")];
        Build(cache, protocols[0]);
        Build(cache, protocols[1]);

        _now += TimeSpan.FromHours(2);
        Assert.True(Build(cache, protocols[0]).FromCache);
        _now += TimeSpan.FromHours(2);
        Build(cache, protocols[2]);

        Assert.True(Build(cache, protocols[0]).FromCache);
        Assert.True(Build(cache, protocols[2]).FromCache);
        Assert.False(Build(cache, protocols[1]).FromCache);
    }

    [Fact]
    public void Nothing_younger_than_the_grace_period_is_removed()
    {
        // A concurrent run writes its assembly before the entry that names it: that assembly must survive a trim.
        var cache = Cache(TwoEntries);
        Build(cache, Protocol("p-a"));
        var folder = Path.GetDirectoryName(Files("*.entry").Single())!;
        var pending = Path.Combine(folder, new string('a', 64) + ".dll");
        File.WriteAllBytes(pending, [1, 2, 3]);
        var stale = Path.Combine(folder, new string('b', 64) + ".dll");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, _now - TimeSpan.FromHours(3));
        var killed = Path.Combine(folder, ".x.entry.123.tmp");
        File.WriteAllBytes(killed, [1]);
        File.SetLastWriteTimeUtc(killed, _now - TimeSpan.FromHours(3));

        Build(cache, Protocol("p-b"));

        Assert.True(File.Exists(pending));
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(killed));
        Assert.Equal(2, Files("*.entry").Length);
    }

    [Fact]
    public void Other_compilers_folders_go_when_unused_for_a_week_or_beyond_the_most_recent_eight_and_no_other_folder_does()
    {
        var cache = Cache(CacheLimits.Default);
        string Folder(string name, TimeSpan unused, bool ours = true)
        {
            var path = Directory.CreateDirectory(Path.Combine(_cacheFolder.Path, name)).FullName;
            File.WriteAllText(Path.Combine(path, "x.entry"), ours ? "il2-protocol-cache 1\ncompiler x\n" : "x");
            Directory.SetLastWriteTimeUtc(path, _now - unused);
            return path;
        }

        var weekOld = Folder("00000000000000aa", TimeSpan.FromDays(8));
        var notOurs = Folder("some-other-tool", TimeSpan.FromDays(30));
        // A folder named like ours but holding no entry of ours (the cache folder may be one the user shares): kept.
        var namedLikeOurs = Folder("00000000000000bb", TimeSpan.FromDays(30), ours: false);
        var recent = Enumerable.Range(0, 10).Select(i => Folder($"{i:x16}", TimeSpan.FromHours(2 + i))).ToList();

        Build(cache, Protocol("p-a"));

        Assert.False(Directory.Exists(weekOld));
        Assert.True(Directory.Exists(notOurs));
        Assert.True(Directory.Exists(namedLikeOurs));
        Assert.All(recent.Take(8), d => Assert.True(Directory.Exists(d), d));
        Assert.All(recent.Skip(8), d => Assert.False(Directory.Exists(d), d));
        Assert.Single(Files("*.dll"));
    }

    [Fact]
    public void A_folder_a_hit_used_counts_as_recent()
    {
        var cache = Cache(CacheLimits.Default);
        var path = Protocol("p-a");
        Build(cache, path);
        var ours = Path.GetDirectoryName(Files("*.entry").Single())!;
        Directory.SetLastWriteTimeUtc(ours, _now - TimeSpan.FromDays(8));

        Assert.True(Build(cache, path).FromCache);

        Assert.True(_now - Directory.GetLastWriteTimeUtc(ours) < TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF", false)]
    [InlineData("0123456789abcde", false)]
    [InlineData("0123456789abcdefg", false)]
    [InlineData("il2-code-server0", false)]
    public void Only_folders_named_as_the_cache_names_them_are_ours(string name, bool ours) =>
        Assert.Equal(ours, CacheTrim.IsCompilerFolderName(name));
}
