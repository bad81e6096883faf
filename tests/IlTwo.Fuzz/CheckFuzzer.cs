using System.Text;
using System.Text.RegularExpressions;

namespace IlTwo.Fuzz;

/// <summary>
/// <c>il2 check</c> on mutated protocol text (the shipped protocols and the diagnostic corpus as seeds): it must finish,
/// exit 0 or 1, print only compiler-format lines and the summary, and never report an internal error (IL0999).
/// </summary>
public static partial class CheckFuzzer
{
    [GeneratedRegex(@"^(?<path>.+)\((?<line>\d+),(?<col>\d+)\): (?<severity>error|warning|info) (?<code>IL\d{4}): (?<message>.+)$")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"^checked 1 file\(s\): \d+ error\(s\), \d+ warning\(s\)$")]
    private static partial Regex SummaryLine();

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static FuzzReport Run(FuzzBudget budget)
    {
        var report = new FuzzReport("il2 check");
        var seeds = Seeds();
        var mutator = new Mutator(new Random(budget.Seed));
        var folder = Directory.CreateTempSubdirectory("il2-fuzz-check-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            report.Iterations = budget.Run(i =>
            {
                var seed = seeds[mutator.Random.Next(seeds.Count)];
                var path = Path.Combine(folder, $"case-{i % 8}.il2");
                string shown;
                if (mutator.Random.Next(10) == 0)
                {
                    var bytes = mutator.MutateBytes(Encoding.UTF8.GetBytes(seed));
                    File.WriteAllBytes(path, bytes);
                    shown = Encoding.UTF8.GetString(bytes);
                }
                else
                {
                    shown = mutator.MutateText(seed);
                    File.WriteAllBytes(path, Encoding.UTF8.GetBytes(shown));
                }
                return Check(report, path, shown);
            });
        }
        finally
        {
            report.Elapsed = clock.Elapsed;
            Directory.Delete(folder, recursive: true);
        }
        return report;
    }

    private static bool Check(FuzzReport report, string path, string input)
    {
        var result = Repository.RunCli(Timeout, "check", path);
        if (result is not { } r)
        {
            report.Find($"hang: il2 check did not finish within {Timeout.TotalSeconds} s", input);
            return false;
        }
        if (r.Crash is not null)
        {
            report.Find($"crash: {r.Crash}", input);
            return true;
        }
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (r.Exit is not (0 or 1))
        {
            report.Find($"exit code {r.Exit}\n{r.Out}\n{r.Error}", input);
        }
        // The code as a diagnostic's code (" IL0999: "), not inside a name the input chose (a rule called IL09999...).
        else if (r.Out.Contains(" IL0999: ", StringComparison.Ordinal) || r.Error.Contains("   at ", StringComparison.Ordinal))
        {
            report.Find($"internal error:\n{r.Out}\n{r.Error}", input);
        }
        else if (lines.Length == 0 || !SummaryLine().IsMatch(lines[^1]) || lines[..^1].Any(l => !DiagnosticLine().IsMatch(l)))
        {
            report.Find($"output not in the compiler format:\n{r.Out}", input);
        }
        else
        {
            report.Count(r.Exit == 0 ? "clean" : "errors reported");
        }

        return true;
    }

    private static List<string> Seeds()
    {
        var files = Directory.EnumerateFiles(Repository.File("protocols"), "*.il2")
            .Concat(Directory.EnumerateFiles(Repository.File("tests/IlTwo.Dsl.Tests/Corpus/Diagnostics"), "*.il2", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);
        return [.. files.Select(File.ReadAllText)];
    }
}
