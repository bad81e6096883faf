namespace IlTwo.Cli.Tests;

/// <summary>
/// The compiled-protocol cache of <c>il2 eval</c> and <c>il2 test</c>: an unchanged chain is not compiled again, any change
/// anywhere in the chain is compiled again, and a damaged entry is never loaded.
/// </summary>
public sealed class ProtocolCacheTests : IDisposable
{
    private const string Base = """
        protocol base-p
        title "b"
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
        scenario "84 holds" {
          sbp 84 mm[Hg] 1 h ago
          expect hold
        }
        scenario "120 gives" {
          sbp 120 mm[Hg] 1 h ago
          expect give
        }
        """;

    private const string Derived = """
        protocol derived-p
        title "d"
        version 1.0.0
        extends base-p
        claim more conservative than base-p
        hold rule sbp-lowish "lowish" {
          when sbp < 95 mm[Hg]
          cite r "r"
        }
        scenario "92 holds" {
          sbp 92 mm[Hg] 1 h ago
          expect hold
        }
        scenario "120 gives" {
          sbp 120 mm[Hg] 1 h ago
          expect give
        }
        """;

    private const string Patient = """
        { "patient": { "id": "p1", "weight": { "value": 70, "unit": "kg" } },
          "events": [], "doses": [],
          "observations": [ { "code": "8480-6", "value": 93, "unit": "mm[Hg]", "at": "2026-03-04T05:00:00Z" } ] }
        """;

    private readonly TempFolder _sources = new();
    private readonly TempFolder _cacheFolder = new();
    private readonly ProtocolCache _cache;
    private readonly string _base;
    private readonly string _derived;

    public ProtocolCacheTests()
    {
        _cache = new ProtocolCache(_cacheFolder.Path);
        _base = _sources.Write("base-p.il2", Base);
        _derived = _sources.Write("derived-p.il2", Derived);
    }

    public void Dispose()
    {
        _sources.Dispose();
        _cacheFolder.Dispose();
    }

    private ProtocolBuild Build(string path) => ProtocolBuilds.Build(path, File.ReadAllBytes(path), _cache, withCompilation: true);

    private static byte[] Bytes(ProtocolBuild build) => [.. build.Assembly.Assembly];

    private static CliResult Run(ProtocolCache? cache, params string[] args)
    {
        var context = new CommandContext(new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" }) { Cache = cache };
        var code = new CliApplication(CliApplication.DefaultCommands()).Run(args, context);
        return new CliResult(code, context.Out.ToString()!, context.Error.ToString()!);
    }

    [Fact]
    public void Roslyn_read_from_its_file_has_the_identity_of_the_loaded_assembly()
    {
        // A cache hit takes Roslyn's MVID from the file without loading it; a build compares the loaded assembly's.
        var loaded = typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly;
        var path = ProtocolCache.TrustedPlatformPath("Microsoft.CodeAnalysis.CSharp");

        Assert.Equal(loaded.Location, path);
        Assert.Equal(loaded.ManifestModule.ModuleVersionId, ProtocolCache.ReadModuleVersionId(path!));
        // With the file's size: a precompiled (ReadyToRun) image keeps the MVID of its IL but is another compiler to the cache.
        Assert.Contains($"Microsoft.CodeAnalysis.CSharp:{loaded.ManifestModule.ModuleVersionId:N}:{new FileInfo(loaded.Location).Length}|", ProtocolCache.CompilerIdentity, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unchanged_chain_is_loaded_from_the_cache_with_the_same_bytes()
    {
        var first = Build(_derived);
        var second = Build(_derived);

        Assert.True(first.Assembly.Success);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(Bytes(first), Bytes(second));
        Assert.Equal(first.CanonicalHash, second.CanonicalHash);
        Assert.Equal(first.AssemblyName, second.AssemblyName);
    }

    [Fact]
    public void Test_and_eval_print_the_same_with_a_cold_cache_a_warm_cache_and_no_cache()
    {
        var patient = _sources.Write("patient.json", Patient);
        string[] eval = ["eval", _derived, "--allow-unsigned", "--patient", patient, "--at", "2026-03-04T06:00:00Z"];
        string[] test = ["test", _sources.Path];

        var uncached = (Eval: Run(null, eval), Test: Run(null, test));
        var cold = (Eval: Run(_cache, eval), Test: Run(_cache, test));
        var warm = (Eval: Run(_cache, eval), Test: Run(_cache, test));

        Assert.Equal(0, uncached.Eval.ExitCode);
        Assert.StartsWith("HOLD", uncached.Eval.Out, StringComparison.Ordinal);
        // Two scenarios each, and the base's two run again against the derived protocol (inherited scenarios).
        Assert.EndsWith("6 passed, 0 failed\n", uncached.Test.Out, StringComparison.Ordinal);
        Assert.Equal(uncached, cold);
        Assert.Equal(uncached, warm);
        Assert.True(Build(_derived).FromCache);
    }

    [Fact]
    public void No_cache_neither_reads_nor_writes_the_cache()
    {
        var patient = _sources.Write("patient.json", Patient);

        var run = Run(_cache, "eval", _derived, "--no-cache", "--allow-unsigned", "--patient", patient, "--at", "2026-03-04T06:00:00Z");
        var test = Run(_cache, "test", "--no-cache", _derived);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, test.ExitCode);
        Assert.Empty(Directory.EnumerateFiles(_cacheFolder.Path, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("derived", "// a comment changes the embedded source\n")]
    [InlineData("base", "// a comment in the base file\n")]
    [InlineData("base", "")]
    public void Any_change_in_the_chain_is_compiled_again(string which, string appended)
    {
        Assert.False(Build(_derived).FromCache);
        Assert.True(Build(_derived).FromCache);

        var file = which == "base" ? _base : _derived;
        var text = appended.Length > 0 ? File.ReadAllText(file) + appended : File.ReadAllText(file).Replace("< 90 mm[Hg]", "< 88 mm[Hg]", StringComparison.Ordinal);
        File.WriteAllText(file, text);

        var rebuilt = Build(_derived);
        Assert.False(rebuilt.FromCache);
        Assert.True(rebuilt.Assembly.Success);
        Assert.True(Build(_derived).FromCache);
    }

    [Fact]
    public void A_base_resolved_from_another_file_is_a_miss()
    {
        Assert.False(Build(_derived).FromCache);

        // The base now comes from a file that declares the id (the resolver's second way), with another threshold.
        File.Delete(_base);
        _sources.Write("renamed-base.il2", Base.Replace("< 90 mm[Hg]", "< 85 mm[Hg]", StringComparison.Ordinal));

        var rebuilt = Build(_derived);
        Assert.False(rebuilt.FromCache);
        Assert.Contains("85", rebuilt.Compilation!.Base!.Text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_base_is_an_error_not_a_stale_hit()
    {
        Assert.False(Build(_derived).FromCache);
        File.Delete(_base);

        var rebuilt = Build(_derived);

        Assert.False(rebuilt.FromCache);
        Assert.False(rebuilt.Assembly.Success);
    }

    [Theory]
    [InlineData(".dll")]
    [InlineData(".pdb")]
    [InlineData(".entry")]
    public void A_corrupted_entry_is_never_loaded_but_rebuilt_and_replaced(string extension)
    {
        var good = Build(_derived);
        foreach (var file in Directory.EnumerateFiles(_cacheFolder.Path, "*" + extension, SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x20;
            File.WriteAllBytes(file, bytes);
        }

        var rebuilt = Build(_derived);
        Assert.False(rebuilt.FromCache);
        Assert.Equal(Bytes(good), Bytes(rebuilt));

        var again = Build(_derived);
        Assert.True(again.FromCache);
        Assert.Equal(Bytes(good), Bytes(again));
    }

    [Fact]
    public void A_cached_assembly_replaced_by_another_protocol_is_a_miss()
    {
        Build(_base);
        Build(_derived);
        var entries = Directory.EnumerateFiles(_cacheFolder.Path, "*.dll", SearchOption.AllDirectories).ToList();
        Assert.Equal(2, entries.Count);

        // A well-formed assembly, but not the bytes recorded under this name.
        File.Copy(entries[0], entries[1] + ".swap");
        File.Copy(entries[1], entries[0], overwrite: true);
        File.Move(entries[1] + ".swap", entries[1], overwrite: true);

        Assert.False(Build(_derived).FromCache);
        Assert.False(Build(_base).FromCache);
    }

    [Fact]
    public void A_truncated_entry_is_a_miss()
    {
        Build(_derived);
        foreach (var file in Directory.EnumerateFiles(_cacheFolder.Path, "*.entry", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            File.WriteAllText(file, text[..(text.Length / 2)]);
        }

        Assert.False(Build(_derived).FromCache);
        Assert.True(Build(_derived).FromCache);
    }

    private string EntryId(string path) => _cache.Find(path, File.ReadAllBytes(path))!.EntryId;

    /// <summary>A report no real run prints: seeing it proves the stored report was printed instead of running the scenarios.</summary>
    private void PlantMarkerReport(string path) => _cache.StoreReport(EntryId(path), path, new TestReport(["planted report"], 7, 0));

    [Fact]
    public void A_second_test_run_prints_the_stored_report_and_runs_nothing()
    {
        var first = Run(_cache, "test", _derived);
        var stored = _cache.FindReport(EntryId(_derived), _derived);

        Assert.Equal(0, first.ExitCode);
        Assert.NotNull(stored);
        Assert.Equal(first.Out, string.Concat(stored.Lines.Select(l => l + "\n")) + $"{stored.Passed} passed, {stored.Failed} failed\n");
        Assert.Equal(first, Run(_cache, "test", _derived));

        PlantMarkerReport(_derived);
        Assert.Equal(new CliResult(0, "planted report\n7 passed, 0 failed\n", ""), Run(_cache, "test", _derived));
        // --no-cache runs the scenarios.
        Assert.Equal(first, Run(_cache, "test", "--no-cache", _derived));
    }

    [Fact]
    public void A_stored_report_names_the_file_as_the_command_line_did()
    {
        var byFile = Run(_cache, "test", _derived);
        var byFolder = Run(_cache, "test", _sources.Path);

        Assert.Equal(Run(null, "test", _derived), byFile);
        Assert.Equal(Run(null, "test", _sources.Path), byFolder);
        Assert.Equal(byFile, Run(_cache, "test", _derived));
        Assert.Equal(byFolder, Run(_cache, "test", _sources.Path));
    }

    [Theory]
    [InlineData("derived", "// a comment changes the embedded source\n")]
    [InlineData("base", "// a comment in the base file\n")]
    [InlineData("base", "")]
    public void Any_change_in_the_chain_runs_the_scenarios_again(string which, string appended)
    {
        var before = Run(_cache, "test", _derived);
        PlantMarkerReport(_derived);

        var file = which == "base" ? _base : _derived;
        // Without a comment: the base's threshold moves, which changes what the derived protocol's test reports.
        var text = appended.Length > 0 ? File.ReadAllText(file) + appended : File.ReadAllText(file).Replace("< 90 mm[Hg]", "< 80 mm[Hg]", StringComparison.Ordinal);
        File.WriteAllText(file, text);

        var rerun = Run(_cache, "test", _derived);
        Assert.DoesNotContain("planted report", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(Run(null, "test", _derived), rerun);
        Assert.Equal(rerun, Run(_cache, "test", _derived));
        if (appended.Length == 0)
        {
            Assert.NotEqual(before, rerun);
        }
    }

    [Fact]
    public void A_corrupted_report_is_never_printed_but_run_again_and_replaced()
    {
        var good = Run(_cache, "test", _derived);
        PlantMarkerReport(_derived);
        var report = Assert.Single(Directory.EnumerateFiles(_cacheFolder.Path, "*.test", SearchOption.AllDirectories));
        // "planted report" becomes "planted rePort": a well-formed report whose check no longer matches.
        File.WriteAllText(report, File.ReadAllText(report).Replace("planted%20report", "planted%20rePort", StringComparison.Ordinal));

        Assert.Equal(good, Run(_cache, "test", _derived));
        Assert.Equal(good, Run(_cache, "test", _derived));
        Assert.DoesNotContain("planted", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_protocols_report_copied_in_place_is_a_miss()
    {
        var good = Run(_cache, "test", _derived);
        Run(_cache, "test", _base);
        PlantMarkerReport(_base);
        var reports = Directory.EnumerateFiles(_cacheFolder.Path, "*.test", SearchOption.AllDirectories).ToList();
        var baseReport = Assert.Single(reports, r => File.ReadAllText(r).Contains("planted", StringComparison.Ordinal));

        // A whole, checked report, but of the base's entry: the derived protocol's run must not print it.
        File.Copy(baseReport, Assert.Single(reports, r => r != baseReport), overwrite: true);

        Assert.Equal(good, Run(_cache, "test", _derived));
    }

    [Fact]
    public void A_report_of_the_same_file_before_a_change_in_its_base_is_never_printed()
    {
        Run(_cache, "test", _derived);
        PlantMarkerReport(_derived);
        var stale = Assert.Single(Directory.EnumerateFiles(_cacheFolder.Path, "*.test", SearchOption.AllDirectories));
        var staleText = File.ReadAllText(stale);
        File.AppendAllText(_base, "// a comment in the base file\n");
        var good = Run(_cache, "test", _derived);

        // The current entry's report replaced by the whole, checked report of the entry before the change.
        var current = Assert.Single(Directory.EnumerateFiles(_cacheFolder.Path, "*.test", SearchOption.AllDirectories), r => r != stale);
        File.WriteAllText(current, staleText);

        Assert.Equal(good, Run(_cache, "test", _derived));
    }

    [Fact]
    public void Undoing_a_change_prints_the_report_of_the_chain_as_it_is_again()
    {
        var before = Run(_cache, "test", _derived);
        var original = File.ReadAllText(_base);
        File.WriteAllText(_base, original.Replace("< 90 mm[Hg]", "< 80 mm[Hg]", StringComparison.Ordinal));
        var changed = Run(_cache, "test", _derived);
        File.WriteAllText(_base, original);

        Assert.NotEqual(before, changed);
        Assert.Equal(before, Run(_cache, "test", _derived));
        File.WriteAllText(_base, original.Replace("< 90 mm[Hg]", "< 80 mm[Hg]", StringComparison.Ordinal));
        Assert.Equal(changed, Run(_cache, "test", _derived));
    }

    [Fact]
    public async Task Concurrent_builds_of_the_same_protocol_all_succeed_and_leave_one_valid_entry()
    {
        var builds = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Factory.StartNew(() => Build(_derived), TaskCreationOptions.LongRunning)));

        Assert.All(builds, b => Assert.True(b.Assembly.Success));
        Assert.Single(builds.Select(b => Convert.ToHexString([.. b.Assembly.Assembly])).Distinct());
        Assert.Empty(Directory.EnumerateFiles(_cacheFolder.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.True(Build(_derived).FromCache);
    }
}
