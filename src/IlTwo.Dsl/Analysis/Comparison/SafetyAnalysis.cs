using System.Collections.Immutable;
using IlTwo.Dsl.Analysis.Verification;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>What the verifier found in one difference region.</summary>
internal enum RegionOutcome
{
    /// <summary>Proven empty by the solver (unsat).</summary>
    Empty,

    /// <summary>Not empty, shown by a patient record that both versions evaluate as the region says.</summary>
    Witnessed,

    /// <summary>The solver found a state, but no record built from it reproduces the difference.</summary>
    Unwitnessed,

    /// <summary>The solver gave up (unknown or timeout within the budget).</summary>
    Unknown,
}

internal sealed record RegionFinding(RegionOutcome Outcome, Counterexample? Example, string? Reason)
{
    public static RegionFinding EmptyRegion { get; } = new(RegionOutcome.Empty, null, null);
}

/// <summary>
/// Compares where two versions of a protocol hold and stop IL-2 with an SMT solver (<see cref="StateEncoder"/>: one
/// patient state shared by both versions, three-valued inputs, the facts relating them). A difference the solver proves
/// empty is empty; a non-empty one is only believed when a patient record built from the solver's model
/// (<see cref="WitnessShape"/>) is evaluated by both versions and really decides differently.
/// </summary>
internal sealed class SafetyAnalysis : IDisposable
{
    /// <summary>The time limit of one solver query; a query that needs more is "cannot tell", naming what it was about.</summary>
    public const int QueryBudgetMilliseconds = 10_000;

    private readonly ProtocolCompilation _old;
    private readonly ProtocolCompilation _new;
    private readonly Lazy<ProtocolInterpreter> _oldRules;
    private readonly Lazy<ProtocolInterpreter> _newRules;
    private readonly Lazy<ImmutableArray<PatientRecord>> _normalRecords;
    private readonly Lazy<IReadOnlyList<(ObservationSymbol Observation, ImmutableArray<double> WindowsHours)>> _persistence;
    private readonly SmtSolver _solver;
    private readonly StateEncoder _encoder;
    private readonly WitnessShape _shape;

    public SafetyAnalysis(ProtocolCompilation old, ProtocolCompilation @new)
    {
        _old = old;
        _new = @new;
        _oldRules = new(() => new ProtocolInterpreter(old));
        _newRules = new(() => new ProtocolInterpreter(@new));
        _normalRecords = new(NormalRecords);
        _persistence = new(() => PersistenceSeries.Candidates(old.Protocol, @new.Protocol));
        _solver = SmtSolver.Start(QueryBudgetMilliseconds);
        try
        {
            _encoder = new StateEncoder(_solver, old.Protocol, @new.Protocol);
            _shape = new WitnessShape(_solver, _encoder);
        }
        catch
        {
            _solver.Dispose();
            throw;
        }
    }

    public static DateTimeOffset At => ScenarioRunner.Now;

    public int Queries => _solver.Queries;

    public void Dispose() => _solver.Dispose();

    // ------------------------------------------------------------ regions

    public SmtTerm Holds(Side side, IEnumerable<RuleSymbol> rules) => _encoder.Holds(side, rules);

    public SmtTerm Fires(Side side, IEnumerable<RuleSymbol> rules) => _encoder.Fires(side, rules);

    public StateEncoder.RuleTerms Rule(Side side, RuleSymbol rule) => _encoder.Rule(side, rule);

    public static IEnumerable<RuleSymbol> Holding(BoundProtocol p) => p.Rules;

    public static IEnumerable<RuleSymbol> Stopping(BoundProtocol p) => p.Rules.Where(r => r.Action == RuleAction.Discontinue);

    /// <summary>
    /// The discontinue rules of <paramref name="p"/> that surely stop IL-2 whenever their condition is true: a rule that
    /// must also be shown persistent or corrected only holds ("reassess") when that is not shown, which one patient state
    /// cannot decide; unless the other version has it unchanged (then it stops in the same situations in both).
    /// </summary>
    public static IEnumerable<RuleSymbol> SurelyStopping(BoundProtocol p, BoundProtocol other) => Stopping(p).Where(r =>
        (r.PersistenceSeconds is null && r.Correction is null)
        || (other.FindRule(r.Name) is { Action: RuleAction.Discontinue } o && SameCourseMeaning(r, o)));

    /// <summary>The same condition and the same clauses that change how the rule acts over the course.</summary>
    public static bool SameCourseMeaning(RuleSymbol a, RuleSymbol b) =>
        BoundExpressionKey.Of(a.Condition) == BoundExpressionKey.Of(b.Condition)
        && a.PersistenceSeconds == b.PersistenceSeconds
        && Key(a.Correction) == Key(b.Correction)
        && Key(a.Until) == Key(b.Until);

    private static string? Key(BoundExpression? e) => e is null ? null : BoundExpressionKey.Of(e);

    /// <summary>
    /// The version surely stops IL-2, or one of its discontinue rules cannot be decided for lack of required data (the dose
    /// is held until the data comes, and then the rule decides): either way it does not go on dosing. Against
    /// <paramref name="other"/>, only the rules that surely stop count (see <see cref="SurelyStopping"/>).
    /// </summary>
    public SmtTerm StopsOrAwaits(Side side, BoundProtocol p, BoundProtocol? other) => Or(
        Fires(side, other is null ? Stopping(p) : SurelyStopping(p, other)),
        Or(Stopping(p).Select(r => And(Rule(side, r).Holds, Not(Rule(side, r).True)))));

    /// <summary>Whether any state satisfies <paramref name="region"/>: false only when proven (unsat); null when the solver gave up.</summary>
    public bool? Possible(SmtTerm region) => _solver.Satisfiable(region);

    /// <summary>
    /// Decides one difference region: empty (proven), or a patient record from the solver's model on which
    /// <paramref name="verify"/> (evaluating both versions) confirms it, kept to the values the difference needs.
    /// </summary>
    public RegionFinding Explore(SmtTerm region, Func<PatientRecord, (string Old, string New)?> verify, string what)
    {
        if (region == False)
        {
            return RegionFinding.EmptyRegion;
        }

        _solver.Push();
        try
        {
            _solver.Assert(region);
            var (answer, reason) = _solver.Check();
            if (answer == SmtAnswer.Unsat)
            {
                return RegionFinding.EmptyRegion;
            }

            if (answer == SmtAnswer.Unknown)
            {
                return new(RegionOutcome.Unknown, null, $"the solver could not decide {what} within {QueryBudgetMilliseconds / 1000} s ({reason})");
            }

            // The smallest change to a normal patient first (fewest quantities changed), round values first.
            var models = new List<(PatientRecord Normal, ImmutableArray<WitnessShape.Edit> Edits)>();
            foreach (var normal in _normalRecords.Value)
            {
                foreach (var (changes, grid) in Attempts)
                {
                    _solver.Push();
                    try
                    {
                        _shape.Assert(grid, normal, At, changes);
                        if (_solver.Check().Answer != SmtAnswer.Sat)
                        {
                            continue;
                        }

                        var edits = _shape.Read(At, normal);
                        models.Add((normal, edits));
                        if (Environment.GetEnvironmentVariable("IL2_SMT_TRACE") is { Length: > 0 })
                        {
                            var (o, n) = Decide(edits.Aggregate(normal, (x, e) => e.Apply(x)));
                            Console.Error.WriteLine($"smt: {what}: {string.Join("; ", edits.Select(e => e.Value))} => old {Describe(o)}, new {Describe(n)}");
                        }

                        if (Witness(normal, edits, verify) is { } example)
                        {
                            return new(RegionOutcome.Witnessed, example, null);
                        }
                    }
                    finally
                    {
                        _solver.Pop();
                    }
                }
            }
            foreach (var (normal, edits) in models)
            {
                if (SeriesWitness(normal, edits, verify) is { } series)
                {
                    return new(RegionOutcome.Witnessed, series, null);
                }
            }

            return new(RegionOutcome.Unwitnessed, null,
                $"the solver found a situation where {what}, but no patient record built from it reproduces the difference");
        }
        finally
        {
            _solver.Pop();
        }
    }

    /// <summary>
    /// The solver's state with the readings of a persistence rule's observation laid out over time (see
    /// <see cref="PersistenceSeries"/>): the first series both versions confirm.
    /// </summary>
    private Counterexample? SeriesWitness(PatientRecord normal, ImmutableArray<WitnessShape.Edit> edits, Func<PatientRecord, (string Old, string New)?> verify)
    {
        var modelled = edits.Aggregate(normal, (x, e) => e.Apply(x));
        foreach (var (observation, windows) in _persistence.Value)
        {
            foreach (var series in PersistenceSeries.Series(observation, windows, modelled, normal, At))
            {
                var candidate = edits.Where(e => e.Value.Name != observation.Name).Append(series).ToImmutableArray();
                if (Witness(normal, candidate, verify) is { } example)
                {
                    return example;
                }
            }
        }
        return null;
    }

    private static readonly (int? Changes, double? Grid)[] Attempts =
        [(1, 1), (1, 0.01), (2, 1), (2, 0.01), (3, 0.01), (6, null), (null, null)];

    private static Counterexample? Witness(PatientRecord normal, ImmutableArray<WitnessShape.Edit> edits, Func<PatientRecord, (string Old, string New)?> verify)
    {
        static PatientRecord Apply(PatientRecord r, IEnumerable<WitnessShape.Edit> e) => e.Aggregate(r, (x, edit) => edit.Apply(x));
        if (verify(Apply(normal, edits)) is null)
        {
            return null;
        }
        // Keep only the values the difference needs: drop each run of values (halves first, then smaller runs) that the
        // normal patient's values can replace.
        var kept = edits.ToList();
        for (var size = Math.Max(1, kept.Count / 2); ; size = Math.Max(1, size / 2))
        {
            for (var start = 0; start < kept.Count;)
            {
                var without = kept.Take(start).Concat(kept.Skip(start + size)).ToList();
                if (verify(Apply(normal, without)) is not null)
                {
                    kept = without;
                }
                else
                {
                    start += size;
                }
            }
            if (size == 1)
            {
                break;
            }
        }
        var decisions = verify(Apply(normal, kept))!.Value;
        return new Counterexample([.. kept.Select(e => e.Value)], decisions.Old, decisions.New);
    }

    /// <summary>The protocol-level comparison: hold region and stop region, old against new.</summary>
    public RegionComparison CompareProtocols()
    {
        var oldP = _old.Protocol;
        var newP = _new.Protocol;
        var lessHold = Explore(And(Holds(Side.Old, Holding(oldP)), Not(Holds(Side.New, Holding(newP)))), r => Verify(r, stop: false, less: true), "whether the new version gives a dose where the old one held");
        var lessStop = Explore(And(Fires(Side.Old, Stopping(oldP)), Not(StopsOrAwaits(Side.New, newP, oldP))), r => Verify(r, stop: true, less: true), "whether the new version continues IL-2 where the old one stopped it");
        var moreHold = Explore(And(Holds(Side.New, Holding(newP)), Not(Holds(Side.Old, Holding(oldP)))), r => Verify(r, stop: false, less: false), "whether the new version holds where the old one gave");
        var moreStop = Explore(And(Fires(Side.New, Stopping(newP)), Not(StopsOrAwaits(Side.Old, oldP, newP))), r => Verify(r, stop: true, less: false), "whether the new version stops IL-2 where the old one did not");

        var less = Merge(lessHold, lessStop);
        var more = Merge(moreHold, moreStop);
        var lessExample = less.Example;
        var moreExample = more.Example;
        var undecided = ImmutableArray<string>.Empty;
        SafetyVerdict verdict;
        string reason;
        switch (less.Outcome, more.Outcome)
        {
            case (RegionOutcome.Empty, RegionOutcome.Empty):
                (verdict, reason) = (SafetyVerdict.Neutral, "the new version holds and stops IL-2 in exactly the same situations (proven)");
                break;
            case (RegionOutcome.Empty, _):
                (verdict, reason) = (SafetyVerdict.MoreConservative, moreExample is null
                    ? "the new version holds or stops IL-2 in every situation the old one did (proven)"
                    : $"the new version holds or stops IL-2 in every situation the old one did (proven), and in more: for example {moreExample.Describe()} ({moreExample.NewDecision} now, {moreExample.OldDecision} before)");
                break;
            case (RegionOutcome.Witnessed, RegionOutcome.Empty):
                (verdict, reason) = (SafetyVerdict.LessConservative, $"the new version gives a dose where the old one held or stopped IL-2: {lessExample!.Describe()} ({lessExample.NewDecision} now, {lessExample.OldDecision} before); it never holds or stops where the old one did not (proven)");
                break;
            case (RegionOutcome.Witnessed, RegionOutcome.Witnessed):
                (verdict, reason) = (SafetyVerdict.Mixed,
                    $"mixed: the new version gives a dose where the old one held ({lessExample!.Describe()}: {lessExample.NewDecision} now, {lessExample.OldDecision} before) and holds where the old one gave ({moreExample!.Describe()}: {moreExample.NewDecision} now, {moreExample.OldDecision} before)");
                break;
            case (RegionOutcome.Witnessed, _):
                (verdict, reason) = (SafetyVerdict.LessConservative, $"the new version gives a dose where the old one held or stopped IL-2: {lessExample!.Describe()} ({lessExample.NewDecision} now, {lessExample.OldDecision} before); {more.Reason}");
                break;
            default:
                undecided = UndecidedRules();
                (verdict, reason) = (SafetyVerdict.CannotTell, less.Reason ?? "the verifier could not decide");
                break;
        }
        return new RegionComparison(verdict, reason, lessExample, moreExample, undecided);
    }

    /// <summary>Two regions as one: empty when both are, witnessed when one is, else the doubt.</summary>
    public static RegionFinding Merge(RegionFinding a, RegionFinding b) =>
        a.Outcome == RegionOutcome.Witnessed ? a
        : b.Outcome == RegionOutcome.Witnessed ? b
        : a.Outcome != RegionOutcome.Empty ? a
        : b;

    /// <summary>The old rules whose hold region the new version does not provably cover.</summary>
    private ImmutableArray<string> UndecidedRules()
    {
        var noneNew = Not(Holds(Side.New, Holding(_new.Protocol)));
        return [.. _old.Protocol.Rules.Where(r => Possible(And(Rule(Side.Old, r).Holds, noneNew)) != false).Select(r => r.Name)];
    }

    // ------------------------------------------------------------ verification by evaluation

    /// <summary>Both versions on the record: for <paramref name="less"/>, the old one holds (stops) and the new one gives (does not stop); otherwise the reverse.</summary>
    public (string Old, string New)? Verify(PatientRecord record, bool stop, bool less)
    {
        var (oldDecision, newDecision) = Decide(record);
        var (before, after) = less ? (oldDecision, newDecision) : (newDecision, oldDecision);
        var afterProtocol = less ? _new.Protocol : _old.Protocol;
        var ok = stop
            ? before.Action == DoseAction.Discontinue && after.Action != DoseAction.Discontinue && !AwaitsStop(after, afterProtocol)
            : before.Action != DoseAction.Give && after.Action == DoseAction.Give;
        return ok ? (Describe(oldDecision), Describe(newDecision)) : null;
    }

    /// <summary>
    /// Rule <paramref name="a"/> of the old version acts (holds, or for <paramref name="stop"/> stops) on the record and
    /// rule <paramref name="b"/> of the new version does not (or the reverse, for <paramref name="less"/> false).
    /// </summary>
    public (string Old, string New)? VerifyRules(PatientRecord record, RuleSymbol? a, RuleSymbol? b, bool stop, bool less)
    {
        var (oldDecision, newDecision) = Decide(record);
        var (acting, actingRule, other, otherRule) = less ? (oldDecision, a, newDecision, b) : (newDecision, b, oldDecision, a);
        var ok = actingRule is not null && Acts(acting, actingRule.Name, stop) && (otherRule is null || !Acts(other, otherRule.Name, stop));
        return ok ? (Describe(oldDecision), Describe(newDecision)) : null;
    }

    /// <summary>A discontinue rule of <paramref name="p"/> waits for required data (the dose is held for it).</summary>
    private static bool AwaitsStop(DoseDecision decision, BoundProtocol p) =>
        decision.Missing.Any(m => !m.Optional && m.Rules.Any(id => p.FindRule(id) is { Action: RuleAction.Discontinue }));

    private static bool Acts(DoseDecision decision, string rule, bool stop) => stop
        ? decision.Rules.Any(r => r.Id == rule && r.Action == Runtime.Protocols.RuleAction.Discontinue)
        : decision.Rules.Any(r => r.Id == rule) || decision.Missing.Any(m => !m.Optional && m.Rules.Contains(rule));

    private (DoseDecision Old, DoseDecision New) Decide(PatientRecord record) =>
        (ProtocolEvaluator.Evaluate(_oldRules.Value, record, At), ProtocolEvaluator.Evaluate(_newRules.Value, record, At));

    public static string Describe(DoseDecision decision)
    {
        var action = decision.Action.ToString().ToLowerInvariant();
        return decision.Rules.IsEmpty ? action : $"{action} ({string.Join(", ", decision.Rules.Select(r => r.Id))})";
    }

    /// <summary>
    /// Patients with no toxicity to start a counterexample from: the records of the scenarios that expect <c>give</c>
    /// (new version's first), those that both versions give first.
    /// </summary>
    private ImmutableArray<PatientRecord> NormalRecords()
    {
        var candidates = _new.Protocol.Scenarios.Concat(_old.Protocol.Scenarios)
            .Where(s => s.ExpectedAction == ExpectedAction.Give)
            .Select(s => ScenarioRunner.ToRecord(s, At))
            .ToList();
        var both = candidates.Where(r =>
            ProtocolEvaluator.Evaluate(_oldRules.Value, r, At).Action == DoseAction.Give
            && ProtocolEvaluator.Evaluate(_newRules.Value, r, At).Action == DoseAction.Give).ToList();
        var chosen = both.Count > 0 ? both.Take(2) : candidates.Take(2);
        var result = chosen.ToList();
        if (result.Count == 0)
        {
            result.Add(PatientRecord.Empty);
        }

        return [.. result];
    }
}
