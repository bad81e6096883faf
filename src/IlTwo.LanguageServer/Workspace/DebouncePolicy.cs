namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// How long the diagnostics of a document wait after its last change, from how long its recent compiles took (as clangd's
/// debounce does): a document that compiles in a few milliseconds shows its diagnostics almost at once, one that takes
/// longer waits a proportional moment so that a burst of keystrokes does not start a compile each, and no document waits
/// longer than <see cref="Max"/> (the old fixed delay). Unlike clangd's, it waits only inside a burst: a change that comes
/// longer after the previous one than the document takes to compile has no burst to coalesce (the previous compile is
/// done), so it compiles at once (a leading-edge debounce); only changes that come faster than the compiles wait.
/// </summary>
public sealed record DebouncePolicy
{
    /// <summary>The shortest wait: none, since an edit now compiles incrementally in a few milliseconds.</summary>
    public TimeSpan Min { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A document whose recent compiles all took less than this waits only <see cref="Min"/>: compiling each keystroke of
    /// a burst costs less than making the user wait for the burst to end.
    /// </summary>
    public TimeSpan FastCompile { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait, however slow the compile.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The longest wait before the analysis round (IL03xx), which adapts to the analysis times the same way.</summary>
    public TimeSpan AnalysisMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait as a fraction of the estimated compile time.</summary>
    public double RebuildRatio { get; init; } = 0.5;

    /// <summary>How many recent compile times the estimate looks at (it takes the longest of them, so one fast compile does not hide a slow document).</summary>
    public int History { get; init; } = 3;

    /// <summary>
    /// The wait before compiling again, given the recent compile times (oldest first) and how long after the previous
    /// change this one came (null: no previous change, or unknown); <see cref="Min"/> before the first compile and for a
    /// change that came after a pause at least as long as the slowest recent compile.
    /// </summary>
    public TimeSpan Compute(IReadOnlyList<TimeSpan> recentCompiles, TimeSpan? sinceLastChange = null)
    {
        ArgumentNullException.ThrowIfNull(recentCompiles);
        if (recentCompiles.Count == 0)
        {
            return Min;
        }

        var longest = recentCompiles.Skip(Math.Max(0, recentCompiles.Count - History)).Max();
        if (longest < FastCompile || sinceLastChange >= longest)
        {
            return Min;
        }

        var wait = TimeSpan.FromTicks((long)(longest.Ticks * RebuildRatio));
        return wait < Min ? Min : wait > Max ? Max : wait;
    }
}
