namespace IlTwo.Dsl.Compilation;

/// <summary>
/// What the semantic comparison found for <c>claim more conservative than NAME</c>: it holds, it is refuted (why, and
/// the counterexample patient as a sentence, or ""), or it cannot be proven (one reason per undecided change).
/// </summary>
internal sealed record ClaimProof(bool Holds, (string Why, (string Patient, string Here, string There)? Counterexample)? Refuted, IReadOnlyList<string> Undecided)
{
    public static ClaimProof Proven { get; } = new(true, null, []);
}

/// <summary>
/// Proves a claim of <paramref name="self"/> against <paramref name="target"/>. The comparison lives above this
/// folder (<c>Analysis.Comparison</c>, which reads compilations); it registers itself here when the assembly loads, so
/// that <see cref="ProtocolCompilation"/> asks for a verdict without referencing it.
/// </summary>
internal delegate ClaimProof ClaimProver(ProtocolCompilation target, ProtocolCompilation self, string targetId);

internal static class ClaimProvers
{
    private static ClaimProver? s_current;

    /// <summary>The prover <see cref="ProtocolCompilation"/> uses for claims.</summary>
    public static ClaimProver Current =>
        s_current ?? throw new InvalidOperationException("no claim prover is registered (Analysis.Comparison registers one when IlTwo.Dsl loads)");

    internal static void Register(ClaimProver prover) => s_current = prover;
}
