using System.Diagnostics;
using System.Globalization;

namespace IlTwo.Fuzz;

/// <summary>
/// How long and how much one fuzz target runs: a time budget, a count cap and a seed. Defaults keep the whole fuzz in
/// CI under a minute; <c>IL2_FUZZ_SECONDS</c>, <c>IL2_FUZZ_ITERATIONS</c> and <c>IL2_FUZZ_SEED</c> override them.
/// </summary>
public sealed record FuzzBudget(TimeSpan Time, int MaxIterations, int Seed)
{
    public static FuzzBudget FromEnvironment(double defaultSeconds, int defaultIterations = 1_000_000)
    {
        var seconds = Read("IL2_FUZZ_SECONDS") ?? defaultSeconds;
        var iterations = (int)(Read("IL2_FUZZ_ITERATIONS") ?? defaultIterations);
        var seed = (int)(Read("IL2_FUZZ_SEED") ?? 20261202);
        return new FuzzBudget(TimeSpan.FromSeconds(seconds), iterations, seed);
    }

    private static double? Read(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Runs <paramref name="step"/> (given the iteration number) until the time or count runs out, or it returns false.</summary>
    public int Run(Func<int, bool> step)
    {
        var clock = Stopwatch.StartNew();
        var i = 0;
        while (i < MaxIterations && clock.Elapsed < Time)
        {
            if (!step(i++))
            {
                break;
            }
        }
        return i;
    }
}

/// <summary>What one target found: counts of outcomes, and findings (each one a bug) with the input that caused it.</summary>
public sealed class FuzzReport(string target)
{
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public string Target { get; } = target;

    public int Iterations { get; set; }

    public TimeSpan Elapsed { get; set; }

    public List<string> Findings { get; } = [];

    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public void Count(string outcome) => _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;

    public void Find(string finding, string input)
    {
        Count("FINDING");
        if (Environment.GetEnvironmentVariable("IL2_FUZZ_FINDINGS") is { Length: > 0 } folder)
        {
            // Whole inputs, for replay: IL2_FUZZ_FINDINGS names a folder.
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"{string.Concat(Target.Where(char.IsAsciiLetterOrDigit))}-{Outcomes["FINDING"]}.txt"), finding + "\n--- input\n" + input);
        }
        if (Findings.Count < 20)
        {
            Findings.Add($"{finding}\n--- input (first 2000 chars)\n{(input.Length > 2000 ? input[..2000] : input)}");
        }
    }

    public override string ToString() =>
        $"{Target}: {Iterations} inputs in {Elapsed.TotalSeconds:0.0} s; " + string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))
        + (Findings.Count == 0 ? "" : "\n" + string.Join("\n\n", Findings));
}
