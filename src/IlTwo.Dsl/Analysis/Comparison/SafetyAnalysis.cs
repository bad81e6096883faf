using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Compares where two versions of a protocol hold and stop IL-2, over one shared <see cref="ConditionSpace"/> (variables keyed
/// by observation name, aggregate and window; values canonical, so a changed unit changes nothing). A region difference
/// that is empty is proven empty; a non-empty one is only believed when a patient record built from it is evaluated by
/// both versions and really decides differently.
/// </summary>
internal sealed class SafetyAnalysis
{
    private const int MaxWitnessAttempts = 48;

    private readonly ProtocolCompilation _old;
    private readonly ProtocolCompilation _new;
    private readonly Lazy<ProtocolInterpreter> _oldRules;
    private readonly Lazy<ProtocolInterpreter> _newRules;
    private readonly Lazy<ImmutableArray<PatientRecord>> _normalRecords;

    public SafetyAnalysis(ProtocolCompilation old, ProtocolCompilation @new)
    {
        _old = old;
        _new = @new;
        Space = new ConditionSpace(SharedRanges(old.Protocol, @new.Protocol));
        _oldRules = new(() => new ProtocolInterpreter(old));
        _newRules = new(() => new ProtocolInterpreter(@new));
        _normalRecords = new(NormalRecords);
    }

    public ConditionSpace Space { get; }

    public static DateTimeOffset At => ScenarioRunner.Now;

    /// <summary>Per observation, the wider of the two declared ranges (a narrower assumed range could hide a difference).</summary>
    private static Dictionary<string, (double Low, double High)?> SharedRanges(BoundProtocol a, BoundProtocol b)
    {
        var ranges = new Dictionary<string, (double Low, double High)?>(StringComparer.Ordinal);
        foreach (var observation in a.Observations.Concat(b.Observations))
        {
            if (!ranges.TryGetValue(observation.Name, out var existing))
            {
                ranges[observation.Name] = observation.Range;
            }
            else if (existing is { } x && observation.Range is { } y)
            {
                ranges[observation.Name] = (Math.Min(x.Low, y.Low), Math.Max(x.High, y.High));
            }
            else
            {
                ranges[observation.Name] = null;
            }
        }
        return ranges;
    }

    // ------------------------------------------------------------ regions

    /// <summary>The states where any of the rules fires (null: too complex).</summary>
    public IReadOnlyList<Box>? Union(IEnumerable<RuleSymbol> rules)
    {
        var result = new List<Box>();
        foreach (var rule in rules)
        {
            if (rule.Condition is BoundErrorExpression || Space.Satisfying(rule.Condition) is not { } boxes)
            {
                return null;
            }

            result.AddRange(boxes);
            if (result.Count > ConditionSpace.MaxBoxes)
            {
                return null;
            }
        }
        return result;
    }

    /// <summary>The states where none of the rules fires (null: too complex).</summary>
    public IReadOnlyList<Box>? NoneOf(IEnumerable<RuleSymbol> rules)
    {
        IReadOnlyList<Box>? result = [Box.Everything];
        foreach (var rule in rules)
        {
            if (rule.Condition is BoundErrorExpression)
            {
                return null;
            }

            result = Space.And(result, Space.Falsifying(rule.Condition));
            if (result is null)
            {
                return null;
            }
        }
        return result;
    }

    public IReadOnlyList<Box>? Minus(IEnumerable<RuleSymbol> a, IEnumerable<RuleSymbol> b) => Space.And(Union(a), NoneOf(b));

    public static IEnumerable<RuleSymbol> Holding(BoundProtocol p) => p.Rules;

    public static IEnumerable<RuleSymbol> Stopping(BoundProtocol p) => p.Rules.Where(r => r.Action == RuleAction.Discontinue);

    /// <summary>
    /// The discontinue rules that surely stop IL-2 whenever their condition is true: a rule that must also be shown
    /// persistent or corrected only holds ("reassess") when that is not shown, which one patient state cannot decide.
    /// Used for the version that must stop at least as often (an under-approximation keeps "more conservative" sound).
    /// </summary>
    public static IEnumerable<RuleSymbol> SurelyStopping(BoundProtocol p) => Stopping(p).Where(r => r.PersistenceSeconds is null && r.Correction is null);

    /// <summary>
    /// <see cref="SurelyStopping(BoundProtocol)"/>, plus the persistent or corrected discontinue rules of <paramref name="p"/> that the
    /// other version has unchanged (same id, condition, persistence and correction): those stop in the same situations in both.
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

    public bool IsOpaque(Box box) => box.Constraints.Keys.Any(k => k.StartsWith("opaque:", StringComparison.Ordinal));

    /// <summary>The protocol-level comparison: hold region and stop region, old against new.</summary>
    public RegionComparison CompareProtocols()
    {
        var oldP = _old.Protocol;
        var newP = _new.Protocol;
        var lessHold = Minus(Holding(oldP), Holding(newP));
        var lessStop = Minus(Stopping(oldP), SurelyStopping(newP, oldP));
        var moreHold = Minus(Holding(newP), Holding(oldP));
        var moreStop = Minus(Stopping(newP), Stopping(oldP));

        if (lessHold is null || lessStop is null || moreHold is null || moreStop is null)
        {
            return new RegionComparison(SafetyVerdict.CannotTell, "the conditions are too complex for the analysis (it gave up)", null, null,
                [.. oldP.Rules.Concat(newP.Rules).Where(r => r.Condition is BoundErrorExpression || Space.Satisfying(r.Condition) is null).Select(r => r.Name).Distinct()]);
        }

        var lessExample = FindCounterexample(lessHold, lessStop, less: true);
        var moreExample = FindCounterexample(moreHold, moreStop, less: false);
        var lessEmpty = lessHold.Count == 0 && lessStop.Count == 0;
        var moreEmpty = moreHold.Count == 0 && moreStop.Count == 0;
        var undecided = ImmutableArray<string>.Empty;

        SafetyVerdict verdict;
        string reason;
        if (lessEmpty && moreEmpty)
        {
            (verdict, reason) = (SafetyVerdict.Neutral, "the new version holds and stops IL-2 in exactly the same situations");
        }
        else if (lessEmpty)
        {
            (verdict, reason) = (SafetyVerdict.MoreConservative, moreExample is null
                ? "the new version holds or stops IL-2 in every situation the old one did (proven over the observation space)"
                : $"the new version holds or stops IL-2 in every situation the old one did (proven), and in more: for example {moreExample.Describe()} ({moreExample.NewDecision} now, {moreExample.OldDecision} before)");
        }
        else if (lessExample is not null && moreEmpty)
        {
            (verdict, reason) = (SafetyVerdict.LessConservative, $"the new version gives a dose where the old one held or stopped IL-2: {lessExample.Describe()} ({lessExample.NewDecision} now, {lessExample.OldDecision} before)");
        }
        else if (lessExample is not null)
        {
            (verdict, reason) = (SafetyVerdict.CannotTell, moreExample is null
                ? $"mixed: the new version gives a dose where the old one held ({lessExample.Describe()}), and holds in some situations the old one did not"
                : $"mixed: the new version gives a dose where the old one held ({lessExample.Describe()}: {lessExample.NewDecision} now, {lessExample.OldDecision} before) and holds where the old one gave ({moreExample.Describe()}: {moreExample.NewDecision} now, {moreExample.OldDecision} before)");
            undecided = [];
        }
        else
        {
            undecided = UndecidedRules(lessHold.Concat(lessStop));
            (verdict, reason) = (SafetyVerdict.CannotTell,
                "the analysis cannot prove that the new version holds in every situation the old one did, and found no patient state that shows otherwise"
                + (undecided.IsEmpty ? "" : $" (undecided because of {string.Join(", ", undecided.Select(n => $"'{n}'"))})"));
        }
        return new RegionComparison(verdict, reason, lessExample, moreExample, undecided);
    }

    /// <summary>The rules of either version whose opaque conditions (or, failing that, whose regions) make a difference undecidable.</summary>
    public ImmutableArray<string> UndecidedRules(IEnumerable<Box> difference)
    {
        var boxes = difference.ToList();
        var opaqueKeys = boxes.SelectMany(b => b.Constraints.Keys).Where(k => k.StartsWith("opaque:", StringComparison.Ordinal)).ToHashSet();
        var names = new List<string>();
        foreach (var rule in _old.Protocol.Rules.Concat(_new.Protocol.Rules))
        {
            if (rule.Condition is BoundErrorExpression || Space.Satisfying(rule.Condition) is not { } sat)
            {
                names.Add(rule.Name);
                continue;
            }
            if (sat.Any(b => b.Constraints.Keys.Any(opaqueKeys.Contains)))
            {
                names.Add(rule.Name);
            }
        }
        if (names.Count == 0)
        {
            // No opaque condition: name the old rules whose region the new version no longer covers.
            foreach (var rule in _old.Protocol.Rules)
            {
                if (Space.And(Space.Satisfying(rule.Condition), NoneOf(_new.Protocol.Rules)) is not { Count: 0 })
                {
                    names.Add(rule.Name);
                }
            }
        }
        return [.. names.Distinct()];
    }

    // ------------------------------------------------------------ counterexamples

    /// <summary>
    /// A verified patient state from the difference regions: for <paramref name="less"/>, one the new version gives (or only
    /// holds, for the stop region) while the old one held (stopped); otherwise the reverse. Null when none verifies.
    /// </summary>
    public Counterexample? FindCounterexample(IReadOnlyList<Box>? holdDifference, IReadOnlyList<Box>? stopDifference, bool less)
    {
        var attempts = 0;
        foreach (var (boxes, stop) in new[] { (holdDifference, false), (stopDifference, true) })
        {
            if (boxes is null)
            {
                continue;
            }

            foreach (var box in boxes.OrderBy(IsOpaque))
            {
                foreach (var round in new[] { true, false })
                {
                    if (attempts++ > MaxWitnessAttempts)
                    {
                        return null;
                    }

                    var edits = WitnessRecords.Build(box, Space, _old.Protocol, _new.Protocol, round, At);
                    foreach (var normal in _normalRecords.Value)
                    {
                        if (Verify(WitnessRecords.ApplyAll(normal, edits), stop, less) is null)
                        {
                            continue;
                        }
                        // Keep only the values the difference needs: drop each one that the normal patient's value can replace.
                        var kept = edits.ToList();
                        foreach (var edit in edits)
                        {
                            var without = kept.Where(e => e != edit).ToList();
                            if (Verify(WitnessRecords.ApplyAll(normal, without), stop, less) is not null)
                            {
                                kept = without;
                            }
                        }
                        var decisions = Verify(WitnessRecords.ApplyAll(normal, kept), stop, less)!.Value;
                        return new Counterexample([.. kept.Select(e => e.Value)], decisions.Old, decisions.New);
                    }
                }
            }
        }
        return null;
    }

    private (string Old, string New)? Verify(PatientRecord record, bool stop, bool less)
    {
        var oldDecision = ProtocolEvaluator.Evaluate(_oldRules.Value, record, At);
        var newDecision = ProtocolEvaluator.Evaluate(_newRules.Value, record, At);
        var (before, after) = less ? (oldDecision, newDecision) : (newDecision, oldDecision);
        // "before" is the stricter side: it must hold (or stop) because a rule fired, "after" must do less.
        var ok = stop
            ? before.Action == DoseAction.Discontinue && before.Rules.Any(r => r.Action == Runtime.Protocols.RuleAction.Discontinue) && after.Action != DoseAction.Discontinue
            : before.Action != DoseAction.Give && !before.Rules.IsEmpty && after.Action == DoseAction.Give;
        return ok ? (Describe(oldDecision), Describe(newDecision)) : null;
    }

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
