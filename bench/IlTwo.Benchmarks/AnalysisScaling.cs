using System.Diagnostics;
using System.Globalization;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/IlTwo.Benchmarks -- analysis [rules...]</c>: wall-clock time of the analysis
/// stage (what <c>il2 check</c> adds to parse and bind) on protocols of the given numbers of rules, written by
/// <see cref="ProtocolGenerator"/>: its usual protocol (three rules per observation, one disjunct shared by a third of
/// all rules) and its shared-quantity protocol (every rule reads the same observation). Prints a Markdown table.
/// </summary>
internal static class AnalysisScaling
{
    public static void Run(IReadOnlyList<string> args)
    {
        var counts = args.Count > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1000, 5000, 20000];
        Console.WriteLine("| Protocol | Rules | Lines | Parse + bind | Analysis | Warnings |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, generate) in new (string, Func<int, string>)[] { ("generated", ProtocolGenerator.GenerateRules), ("shared quantity", ProtocolGenerator.GenerateSharedQuantity) })
        {
            foreach (var rules in counts)
            {
                var text = SourceText.From(generate(rules), "generated.il2");
                var clock = Stopwatch.StartNew();
                var bound = ProtocolCompilation.Create(text, null, new ProtocolCompilationOptions { Analyze = false });
                var bind = clock.Elapsed;
                clock.Restart();
                var analyzed = bound.WithAnalysis();
                var analysis = clock.Elapsed;
                var errors = analyzed.Diagnostics.Count(d => d.IsError);
                if (errors > 0)
                {
                    throw new InvalidOperationException($"the generated protocol has {errors} error(s); first: {analyzed.Diagnostics.First(d => d.IsError).ToCompilerFormat()}");
                }

                var warnings = analyzed.Diagnostics.Length - bound.Diagnostics.Length;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {analyzed.Protocol.Rules.Length} | {text.Text.Count(c => c == '\n')} | {bind.TotalMilliseconds:0} ms | {analysis.TotalMilliseconds:0} ms | {warnings} |"));
            }
        }
    }
}
