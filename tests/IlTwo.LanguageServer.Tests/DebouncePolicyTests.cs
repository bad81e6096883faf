using IlTwo.LanguageServer.Workspace;

namespace IlTwo.LanguageServer.Tests;

/// <summary>The adaptive diagnostics delay: short for a document that compiles fast, proportional for a slow one, capped.</summary>
public sealed class DebouncePolicyTests
{
    private static readonly DebouncePolicy Policy = new();

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void Before_any_compile_the_wait_is_the_minimum()
    {
        Assert.Equal(Policy.Min, Policy.Compute([]));
    }

    [Fact]
    public void A_fast_document_waits_only_the_minimum()
    {
        Assert.Equal(Policy.Min, Policy.Compute([Ms(1), Ms(2), Ms(1)]));
    }

    [Fact]
    public void A_document_that_compiles_faster_than_the_fast_threshold_does_not_wait()
    {
        Assert.Equal(TimeSpan.Zero, Policy.Compute([Policy.FastCompile - Ms(1), Ms(3)]));
        Assert.Equal(Ms(Policy.FastCompile.TotalMilliseconds * Policy.RebuildRatio), Policy.Compute([Policy.FastCompile, Ms(3)]));
    }

    [Fact]
    public void A_slower_document_waits_in_proportion_to_its_slowest_recent_compile()
    {
        Assert.Equal(Ms(40 * Policy.RebuildRatio), Policy.Compute([Ms(10), Ms(40), Ms(20)]));
    }

    [Fact]
    public void Only_the_recent_compiles_count()
    {
        Assert.Equal(Ms(20 * Policy.RebuildRatio), Policy.Compute([Ms(1000), Ms(10), Ms(20), Ms(12)]));
    }

    [Fact]
    public void No_document_waits_longer_than_the_maximum()
    {
        Assert.Equal(Policy.Max, Policy.Compute([Ms(5000)]));
    }

    [Fact]
    public void A_change_after_a_pause_longer_than_the_compile_does_not_wait()
    {
        Assert.Equal(Policy.Min, Policy.Compute([Ms(10), Ms(40), Ms(20)], sinceLastChange: Ms(300)));
        Assert.Equal(Policy.Min, Policy.Compute([Ms(10), Ms(40), Ms(20)], sinceLastChange: Ms(40)));
    }

    [Fact]
    public void A_change_inside_a_burst_faster_than_the_compile_waits()
    {
        Assert.Equal(Ms(40 * Policy.RebuildRatio), Policy.Compute([Ms(10), Ms(40), Ms(20)], sinceLastChange: Ms(15)));
        Assert.Equal(Policy.Max, Policy.Compute([Ms(5000)], sinceLastChange: Ms(1000)));
    }

    [Fact]
    public void A_fixed_delay_overrides_the_policy()
    {
        using var scheduler = new DiagnosticsScheduler(new DocumentStore(), new NoAnalysis(), _ => Task.CompletedTask, TimeSpan.Zero, Policy, new IlTwo.LanguageServer.Logging.ServerLog(TextWriter.Null));
        Assert.Equal(TimeSpan.Zero, scheduler.DelayFor(new Uri("file:///a.il2")));
    }

    private sealed class NoAnalysis : IDocumentAnalyzer
    {
        public IEnumerable<System.Collections.Immutable.ImmutableArray<IlTwo.Dsl.Diagnostics.Diagnostic>> Analyze(TextDocument document, CancellationToken cancellationToken) => [];
    }
}
