using System.Diagnostics;
using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Tests.Formatting;

/// <summary>Timed tests run alone, after the parallel ones, so that other tests do not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedTestsCollection
{
    public const string Name = "Timed tests";
}

[Collection(TimedTestsCollection.Name)]
public sealed class FormatterPerformanceTests
{
    [Fact]
    public void Formatting_a_5000_line_protocol_takes_well_under_100_ms()
    {
        var text = FormattingCorpus.Generate(5000);
        Assert.True(text.Count(c => c == '\n') >= 5000);
        var tree = SyntaxTree.Parse(text);
        Assert.Empty(tree.Diagnostics.Where(d => d.IsError));

        var warm = ProtocolFormatter.Format(tree);
        Assert.False(warm.Changed, "the generated protocol is written in the house style");

        var median = Median(tree);
        Assert.True(median < 100, $"median {median:F1} ms to format {text.Length} characters");
    }

    /// <summary>
    /// A guard against quadratic scans that does not depend on the machine's speed: eight times the text must take
    /// far less than 64 times as long (the best of several interleaved runs, so that load on the machine cancels out).
    /// </summary>
    [Fact]
    public void Formatting_time_grows_linearly_with_the_file()
    {
        var small = SyntaxTree.Parse(FormattingCorpus.Generate(5000));
        var large = SyntaxTree.Parse(FormattingCorpus.Generate(40000));
        double bestSmall = double.MaxValue, bestLarge = double.MaxValue;
        for (var i = 0; i < 7; i++)
        {
            bestSmall = Math.Min(bestSmall, Time(small));
            bestLarge = Math.Min(bestLarge, Time(large));
        }

        var ratio = bestLarge / Math.Max(0.25, bestSmall);
        Assert.True(ratio < 32, $"eight times the text took {ratio:F1} times as long ({bestSmall:F2} ms, {bestLarge:F2} ms); linear is about 8, quadratic about 64");
    }

    private static double Time(SyntaxTree tree)
    {
        var watch = Stopwatch.StartNew();
        ProtocolFormatter.Format(tree);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(SyntaxTree tree)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            times.Add(Time(tree));
        }
        times.Sort();
        return times[2];
    }
}
