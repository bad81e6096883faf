using System.Diagnostics;
using System.Globalization;
using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Analysis;

/// <summary>
/// The analysis stays near-linear in the number of rules, also when every rule reads the same quantity (the quadratic
/// version took 20.8 s for these 10,000 rules (Debug, 2 shared cores); bench/IlTwo.Benchmarks/RESULTS.md has the measured curve).
/// </summary>
public sealed class AnalysisScalingTests
{
    [Fact]
    public void Ten_thousand_rules_on_one_quantity_are_analysed_in_seconds_with_every_subsumption_found()
    {
        const int Rules = 10_000;
        var text = new StringBuilder("""
            protocol many-rules
            title "Many rules on one quantity"
            version 1.0.0
            reference ref "A reference"
            regimen {
              drug aldesleukin
              every 8 h
              cite ref "dosing"
            }
            observation sbp "Systolic blood pressure" {
              unit mm[Hg]
              within 4 h
              range 0 mm[Hg] to 100000 mm[Hg]
            }

            """);
        // Distinct thresholds in a shuffled order: "sbp < t" for every t; each but the highest is subsumed by a wider one.
        var thresholds = Enumerable.Range(1, Rules).OrderBy(i => (i * 7919L) % Rules).ToList();
        foreach (var t in thresholds)
        {
            text.Append(CultureInfo.InvariantCulture, $"hold rule r-{t} \"Rule {t}\" {{\n  when sbp < {t} mm[Hg]\n  cite ref \"row\"\n}}\n");
        }

        var bound = ProtocolCompilation.Create(SourceText.From(text.ToString(), "many.il2"), null, new ProtocolCompilationOptions { Analyze = false });

        var clock = Stopwatch.StartNew();
        var analyzed = bound.WithAnalysis();
        clock.Stop();

        Assert.DoesNotContain(analyzed.Diagnostics, d => d.IsError);
        var subsumed = analyzed.Diagnostics.Where(d => d.Code == "IL0303").ToList();
        Assert.Equal(Rules - 1, subsumed.Count);
        Assert.DoesNotContain(subsumed, d => d.Message.StartsWith($"rule 'r-{Rules}' ", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the analysis of {Rules} rules took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
