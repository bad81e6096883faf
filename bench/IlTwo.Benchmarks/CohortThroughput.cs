using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using IlTwo.Cli.Tests;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Dsl.Text;

namespace IlTwo.Benchmarks;

/// <summary>
/// <c>dotnet bench/IlTwo.Benchmarks/bin/Release/net10.0/IlTwo.Benchmarks.dll cohort [courses] [rounds]</c>: cohort
/// replay where the committee waits, the whole <c>il2 replay</c> process (Release build of src/IlTwo.Cli, built first, or
/// the il2.dll named by <c>IL2_DLL</c>):
/// hd-il2-monotherapy against post-til-il2 over a synthetic cohort (the shipped example patients, jittered:
/// tests/IlTwo.Cli.Tests/SyntheticCohort.cs) of <c>courses</c> patients (default 1,000), as a folder of patient JSON and
/// as FHIR Bulk Data NDJSON, on 1 and on 2 cores (<c>--max-degree</c>). Prints min and median over the rounds (default
/// 3) of the process time and of the decisions per second il2 reports, and the speed-up from 1 to 2 cores.
/// </summary>
internal static partial class CohortThroughput
{
    public static void Run(IReadOnlyList<string> args)
    {
        var courses = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var rounds = args.Count > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var root = Path.GetFullPath(Path.Combine(SyntheticCohort.ExamplesFolder, "..", ".."));
        // IL2_DLL: another il2 build to measure (a baseline), run the same way.
        var il2 = Environment.GetEnvironmentVariable("IL2_DLL") is { Length: > 0 } other ? other : Path.Combine(root, "src", "IlTwo.Cli", "bin", "Release", "net10.0", "il2.dll");
        if (!File.Exists(il2))
        {
            throw new InvalidOperationException($"{il2} is missing: run 'dotnet build -c Release src/IlTwo.Cli' first");
        }

        var mono = Path.Combine(root, "protocols", "hd-il2-monotherapy.il2");
        var postTil = Path.Combine(root, "protocols", "post-til-il2.il2");
        var work = Directory.CreateTempSubdirectory("il2-cohort-bench-").FullName;
        var records = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, courses, seed: 2026).ToList();
        var folder = Path.Combine(work, "json");
        SyntheticCohort.WriteFolder(folder, records);
        var ndjson = Path.Combine(work, "cohort.ndjson");
        var info = ProtocolInfoBuilder.Build(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(postTil), postTil)));
        SyntheticCohort.WriteNdjson(ndjson, records, info);

        Console.WriteLine($"| Cohort ({courses} courses) | Cores | Process min | Process median | Decisions/s (median) | Speed-up |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (form, cohort) in new[] { ("patient JSON folder", folder), ("Bulk Data NDJSON", ndjson) })
        {
            double? single = null;
            foreach (var degree in new[] { 1, 2 })
            {
                var runs = Enumerable.Range(0, rounds).Select(_ => Replay(il2, mono, postTil, cohort, degree)).OrderBy(r => r.Seconds).ToList();
                var median = runs[runs.Count / 2];
                var rate = runs.Select(r => r.DecisionsPerSecond).Order().ElementAt(runs.Count / 2);
                single ??= rate;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {form}, {median.Decisions} decisions | {degree} | {runs[0].Seconds:0.00} s | {median.Seconds:0.00} s | {rate:0} | {rate / single.Value:0.00}x |"));
            }
        }
        Directory.Delete(work, recursive: true);
    }

    private static (double Seconds, long Decisions, double DecisionsPerSecond) Replay(string il2, string old, string @new, string cohort, int degree)
    {
        var clock = Stopwatch.StartNew();
        // The shipped protocols carry no approvals here: a development run, as the replay tests do.
        var (code, _, error) = Process(il2, ["replay", old, @new, "--cohort", cohort, "--allow-unsigned", "--max-degree", degree.ToString(CultureInfo.InvariantCulture)]);
        var seconds = clock.Elapsed.TotalSeconds;
        var match = DecisionsLine().Match(error);
        if (code != 0 || !match.Success)
        {
            throw new InvalidOperationException($"il2 replay exited {code}: {error}");
        }

        return (seconds, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static (int Code, string Out, string Error) Process(string il2, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(il2);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    [GeneratedRegex(@"replay: (\d+) decisions for \d+ patients in [\d.]+ s \((\d+) decisions/s\)")]
    private static partial Regex DecisionsLine();
}
