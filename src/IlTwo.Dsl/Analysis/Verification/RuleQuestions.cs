using IlTwo.Dsl.Binding;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Verification;

/// <summary>
/// The reviewer's questions about one protocol's rules — can it ever fire, can it ever be false, does one rule fire
/// wherever another does — asked of the SMT solver over the same encoded patient state as <c>il2 diff</c> (three-valued
/// inputs, the declared ranges and the facts relating windows). Each answer is true only when proven (unsat); a query the
/// solver gives up on answers false, so a warning is never reported on a guess.
/// </summary>
internal sealed class RuleQuestions : IDisposable
{
    /// <summary>The time limit of one question: these are warnings, and a rule the solver cannot decide quickly gets none.</summary>
    public const int QueryBudgetMilliseconds = 2_000;

    private readonly SmtSolver _solver;
    private readonly StateEncoder _encoder;

    private RuleQuestions(SmtSolver solver, StateEncoder encoder)
    {
        _solver = solver;
        _encoder = encoder;
    }

    /// <summary>The questions over <paramref name="protocol"/>'s rules; null when no solver can be started (the questions are then not asked).</summary>
    public static RuleQuestions? TryStart(BoundProtocol protocol)
    {
        SmtSolver solver;
        try
        {
            solver = SmtSolver.Start(QueryBudgetMilliseconds);
        }
        catch (SolverUnavailableException)
        {
            return null;
        }

        try
        {
            // One protocol compared with itself: only the old side is asked about.
            return new RuleQuestions(solver, new StateEncoder(solver, protocol, protocol));
        }
        catch
        {
            solver.Dispose();
            throw;
        }
    }

    /// <summary>No patient state makes the condition true (proven).</summary>
    public bool NeverFires(RuleSymbol rule) => Impossible(Terms(rule).True);

    /// <summary>No patient state with the rule's inputs known makes the condition false (proven).</summary>
    public bool AlwaysFires(RuleSymbol rule) => Impossible(Terms(rule).False);

    /// <summary>Wherever <paramref name="rule"/> is true, <paramref name="other"/> is true too (its condition is never false there; proven).</summary>
    public bool Implies(RuleSymbol rule, RuleSymbol other) => Impossible(And(Terms(rule).True, Terms(other).False));

    public void Dispose() => _solver.Dispose();

    private StateEncoder.RuleTerms Terms(RuleSymbol rule) => _encoder.Rule(Side.Old, rule);

    private bool Impossible(SmtTerm state) => _solver.Satisfiable(state) == false;
}
