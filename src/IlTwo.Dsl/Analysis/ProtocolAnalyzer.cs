using IlTwo.Dsl.Analysis.Verification;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Analysis;

/// <summary>The warnings a reviewer wants about a bound protocol; one method per finding, all reported into the file's bag.</summary>
internal static class ProtocolAnalyzer
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (a newer edit in an editor).</exception>
    public static void Analyze(BoundProtocol protocol, DiagnosticBag diagnostics, CancellationToken cancellationToken = default)
    {
        ReportUnused(protocol, diagnostics);
        ReportMissingCitations(protocol, diagnostics);
        cancellationToken.ThrowIfCancellationRequested();
        ReportConditionFindings(protocol, diagnostics, cancellationToken);
    }

    private static bool IsOwn(Symbol symbol, BoundProtocol protocol) => symbol.ProtocolId == protocol.Id && symbol.Location.Source == protocol.Tree.Text;

    private static void ReportUnused(BoundProtocol protocol, DiagnosticBag diagnostics)
    {
        var usedObservations = new HashSet<ObservationSymbol>();
        var usedConstants = new HashSet<ConstantSymbol>();
        foreach (var rule in protocol.Rules)
        {
            Collect(rule.Condition, usedObservations, usedConstants);
            foreach (var extra in new[] { rule.Until, rule.Correction }.OfType<BoundExpression>())
            {
                Collect(extra, usedObservations, usedConstants);
            }

            if (rule.Condition is BoundErrorExpression)
            {
                CollectNames(rule, protocol, usedObservations, usedConstants);
            }
        }
        foreach (var constant in protocol.Constants)
        {
            if (constant.Value is not null && usedConstants.Contains(constant))
            {
                Collect(constant.Value, usedObservations, usedConstants);
            }
        }

        foreach (var observation in protocol.Observations.Where(o => IsOwn(o, protocol) && !usedObservations.Contains(o)))
        {
            diagnostics.ReportUnusedObservation(observation.Location.Span, observation.Name);
        }

        foreach (var constant in protocol.Constants.Where(c => IsOwn(c, protocol) && !usedConstants.Contains(c)))
        {
            diagnostics.ReportUnusedConstant(constant.Location.Span, constant.Name);
        }

        var cited = protocol.Rules.SelectMany(r => r.Citations).Concat(protocol.Regimen.Citations)
            .Select(c => c.Reference).OfType<ReferenceSymbol>().ToHashSet();
        foreach (var reference in protocol.References.Where(r => IsOwn(r, protocol) && !cited.Contains(r)))
        {
            diagnostics.ReportUnusedReference(reference.Location.Span, reference.Name);
        }
    }

    /// <summary>
    /// A condition that failed to bind still reads the names it mentions: count them as used, so that one error
    /// (a missing unit, an unknown function) does not also claim the observation is unused.
    /// </summary>
    private static void CollectNames(RuleSymbol rule, BoundProtocol protocol, HashSet<ObservationSymbol> observations, HashSet<ConstantSymbol> constants)
    {
        var clauses = rule.Syntax.Clauses.Where(c => c is UntilClauseSyntax or CorrectionClauseSyntax);
        foreach (var name in rule.Syntax.Conditions.Cast<SyntaxNode>().Concat(clauses).SelectMany(c => c.DescendantsAndSelf()).OfType<NameSyntax>())
        {
            if (protocol.FindObservation(name.Text) is { } observation)
            {
                observations.Add(observation);
            }
            else if (protocol.Constants.FirstOrDefault(c => c.Name == name.Text) is { } constant && constants.Add(constant) && constant.Value is { } value)
            {
                Collect(value, observations, constants);
            }
        }
    }

    internal static void Collect(BoundExpression expression, HashSet<ObservationSymbol> observations, HashSet<ConstantSymbol> constants)
    {
        switch (expression)
        {
            case BoundObservationValue o:
                observations.Add(o.Observation);
                break;
            case BoundAggregate a:
                observations.Add(a.Observation);
                break;
            case BoundBaseline b:
                observations.Add(b.Observation);
                break;
            case BoundConstantReference c:
                if (constants.Add(c.Constant) && c.Constant.Value is { } value)
                {
                    Collect(value, observations, constants);
                }

                break;
            case BoundBinary b:
                Collect(b.Left, observations, constants);
                Collect(b.Right, observations, constants);
                break;
            case BoundNot n:
                Collect(n.Operand, observations, constants);
                break;
            case BoundNegate n:
                Collect(n.Operand, observations, constants);
                break;
            case BoundIsFlag f:
                Collect(f.Operand, observations, constants);
                break;
            default:
                _ = expression.NodeKind switch
                {
                    // the other kinds read no observation or constant (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => 0,
                };
                break;
        }
    }

    private static void ReportMissingCitations(BoundProtocol protocol, DiagnosticBag diagnostics)
    {
        foreach (var rule in protocol.Rules.Where(r => IsOwn(r, protocol) && r.Citations.IsEmpty))
        {
            diagnostics.ReportRuleWithoutCitation(rule.Location.Span, rule.Name, rule.Syntax.Span, [.. protocol.References.Select(r => r.Name)]);
        }
    }

    private static void ReportConditionFindings(BoundProtocol protocol, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        var regions = new RuleRegions(protocol, cancellationToken);
        var unseen = new List<RuleSymbol>();
        foreach (var rule in regions.Rules.Where(r => IsOwn(r, protocol)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (regions.Satisfying(rule) is { Count: 0 })
            {
                diagnostics.ReportRuleNeverFires(rule.Location.Span, rule.Name);
                continue;
            }
            if (regions.Falsifying(rule) is { Count: 0 })
            {
                diagnostics.ReportRuleAlwaysFires(rule.Location.Span, rule.Name, rule.Action.ToString().ToLowerInvariant());
                continue;
            }

            var subsumed = false;
            foreach (var other in regions.Candidates(rule))
            {
                if (Strength(other.Action) < Strength(rule.Action))
                {
                    continue;
                }
                // Of two rules that imply each other with the same action, only the later one is reported.
                if (regions.Order(other) > regions.Order(rule) && Strength(other.Action) == Strength(rule.Action) && regions.Implies(other, rule))
                {
                    continue;
                }

                if (regions.Implies(rule, other))
                {
                    diagnostics.ReportRuleSubsumed(rule.Location.Span, rule.Name, other.Name, other.Action == RuleAction.Discontinue);
                    subsumed = true;
                    break;
                }
            }
            if (!subsumed && !regions.SeesInto(rule))
            {
                unseen.Add(rule);
            }
        }
        if (unseen.Count > 0 && !diagnostics.HasErrors)
        {
            AskTheSolver(protocol, regions, unseen, diagnostics, cancellationToken);
        }
    }

    /// <summary>
    /// The same three findings for the rules with a part the intervals cannot see into (a product, a ratio, a count of
    /// criteria), decided by the SMT solver; each only when proven. Without a solver only the interval findings stand.
    /// </summary>
    private static void AskTheSolver(BoundProtocol protocol, RuleRegions regions, List<RuleSymbol> rules, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        using var questions = RuleQuestions.TryStart(protocol);
        if (questions is null)
        {
            return;
        }

        try
        {
            foreach (var rule in rules)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (questions.NeverFires(rule))
                {
                    diagnostics.ReportRuleNeverFires(rule.Location.Span, rule.Name);
                    continue;
                }
                if (questions.AlwaysFires(rule))
                {
                    diagnostics.ReportRuleAlwaysFires(rule.Location.Span, rule.Name, rule.Action.ToString().ToLowerInvariant());
                    continue;
                }

                foreach (var other in regions.SharingAnObservation(rule).Where(o => Strength(o.Action) >= Strength(rule.Action)))
                {
                    if (regions.Order(other) > regions.Order(rule) && Strength(other.Action) == Strength(rule.Action) && questions.Implies(other, rule))
                    {
                        continue;
                    }

                    if (questions.Implies(rule, other))
                    {
                        diagnostics.ReportRuleSubsumed(rule.Location.Span, rule.Name, other.Name, other.Action == RuleAction.Discontinue);
                        break;
                    }
                }
            }
        }
        catch (SolverUnavailableException)
        {
            // The solver stopped part-way: the findings already proven stand, the rest are not reported.
        }
    }

    /// <summary>
    /// Each rule's regions, computed once, and an index of regions by the set of quantities they constrain. A rule A can
    /// only be subsumed by a rule B that, for every region of A, has a region constraining a subset of that region's
    /// quantities (the necessary test of <see cref="MayImply"/>); so the candidates for A are read from the index under
    /// the subsets of the quantities of one region of A — the region with the fewest — and walked lazily in protocol
    /// order, so that finding the first subsuming rule does not first collect every rule sharing a quantity with A.
    /// Near-linear in practice, also when thousands of rules read the same quantity.
    /// </summary>
    private sealed class RuleRegions
    {
        /// <summary>Regions constraining more quantities than this are not indexed by subset (2^n lookups): they fall back to every rule sharing a quantity.</summary>
        private const int MaxIndexedKeys = 10;

        private readonly ConditionSpace _space = new();
        private readonly Dictionary<RuleSymbol, int> _order = [];
        private readonly Dictionary<RuleSymbol, IReadOnlyList<Box>?> _satisfying = [];
        private readonly Dictionary<RuleSymbol, IReadOnlyList<Box>?> _falsifying = [];
        private readonly Dictionary<RuleSymbol, HashSet<string>[]> _regionKeys = [];
        private readonly Dictionary<RuleSymbol, HashSet<string>> _allKeys = [];
        private readonly Dictionary<string, List<RuleSymbol>> _byVariable = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<RuleSymbol>> _byKeySet = new(StringComparer.Ordinal);
        private readonly Dictionary<RuleSymbol, HashSet<ObservationSymbol>> _observations = [];

        public RuleRegions(BoundProtocol protocol, CancellationToken cancellationToken)
        {
            Rules = [.. protocol.Rules.Where(r => r.Condition is not BoundErrorExpression)];
            foreach (var rule in Rules)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _order[rule] = _order.Count;
                if (Satisfying(rule) is not { } boxes)
                {
                    continue;
                }

                var keys = boxes.Select(b => b.Constraints.Keys.ToHashSet(StringComparer.Ordinal)).ToArray();
                _regionKeys[rule] = keys;
                var all = keys.SelectMany(k => k).ToHashSet(StringComparer.Ordinal);
                _allKeys[rule] = all;
                foreach (var key in all)
                {
                    Add(_byVariable, key, rule);
                }

                foreach (var region in keys)
                {
                    Add(_byKeySet, KeySetName(region), rule);
                }
            }
        }

        private static void Add(Dictionary<string, List<RuleSymbol>> index, string key, RuleSymbol rule)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }
            // Rules are added in protocol order: a rule with several regions under one name is listed once.
            if (list.Count == 0 || !ReferenceEquals(list[^1], rule))
            {
                list.Add(rule);
            }
        }

        private static string KeySetName(IEnumerable<string> keys) => string.Join('\u0001', keys.Order(StringComparer.Ordinal));

        public IReadOnlyList<RuleSymbol> Rules { get; }

        public int Order(RuleSymbol rule) => _order[rule];

        public IReadOnlyList<Box>? Satisfying(RuleSymbol rule) =>
            _satisfying.TryGetValue(rule, out var boxes) ? boxes : _satisfying[rule] = _space.Satisfying(rule.Condition);

        public IReadOnlyList<Box>? Falsifying(RuleSymbol rule) =>
            _falsifying.TryGetValue(rule, out var boxes) ? boxes : _falsifying[rule] = _space.Falsifying(rule.Condition);

        /// <summary>Whether the intervals see all of the rule's condition: no part of it is an opaque yes/no variable.</summary>
        public bool SeesInto(RuleSymbol rule) =>
            Satisfying(rule) is { } boxes && Falsifying(rule) is { } falsifying
            && !boxes.Concat(falsifying).Any(b => b.Constraints.Keys.Any(k => k.StartsWith(ConditionSpace.OpaquePrefix, StringComparison.Ordinal)));

        /// <summary>The other rules that read an observation this one reads, in protocol order.</summary>
        public IEnumerable<RuleSymbol> SharingAnObservation(RuleSymbol rule)
        {
            var mine = Observations(rule);
            return Rules.Where(r => !ReferenceEquals(r, rule) && Observations(r).Overlaps(mine));
        }

        private HashSet<ObservationSymbol> Observations(RuleSymbol rule)
        {
            if (!_observations.TryGetValue(rule, out var set))
            {
                set = [];
                Collect(rule.Condition, set, []);
                _observations[rule] = set;
            }
            return set;
        }

        /// <summary>
        /// The other rules that read a quantity this one reads and may be implied by it, in protocol order, lazily. Every
        /// rule left out fails <see cref="MayImply"/> (so <see cref="Implies"/> is false for it): the result of a search for
        /// the first implied rule is the same as over every rule sharing a quantity.
        /// </summary>
        public IEnumerable<RuleSymbol> Candidates(RuleSymbol rule)
        {
            if (!_regionKeys.TryGetValue(rule, out var regions) || regions.Length == 0)
            {
                return [];
            }

            List<List<RuleSymbol>>? best = null;
            var bestCost = long.MaxValue;
            foreach (var region in regions)
            {
                if (region.Count > MaxIndexedKeys)
                {
                    continue;
                }

                var lists = ListsUnderSubsets(region);
                var cost = lists.Sum(l => (long)l.Count);
                if (cost < bestCost)
                {
                    (best, bestCost) = (lists, cost);
                }
            }
            return best is null ? SharingAQuantity(rule) : Merge(rule, best);
        }

        /// <summary>The index's lists for every subset of <paramref name="region"/>'s quantities (the empty set included).</summary>
        private List<List<RuleSymbol>> ListsUnderSubsets(HashSet<string> region)
        {
            var keys = region.Order(StringComparer.Ordinal).ToArray();
            var lists = new List<List<RuleSymbol>>();
            var subset = new List<string>(keys.Length);
            for (var mask = 0; mask < 1 << keys.Length; mask++)
            {
                subset.Clear();
                for (var i = 0; i < keys.Length; i++)
                {
                    if ((mask & (1 << i)) != 0)
                    {
                        subset.Add(keys[i]);
                    }
                }
                if (_byKeySet.TryGetValue(string.Join('\u0001', subset), out var list))
                {
                    lists.Add(list);
                }
            }
            return lists;
        }

        /// <summary>The union of the lists (each in protocol order) in protocol order, without repeats, this rule or rules sharing no quantity with it.</summary>
        private IEnumerable<RuleSymbol> Merge(RuleSymbol rule, List<List<RuleSymbol>> lists)
        {
            var queue = new PriorityQueue<(int List, int Index), int>();
            for (var i = 0; i < lists.Count; i++)
            {
                queue.Enqueue((i, 0), Order(lists[i][0]));
            }

            var mine = _allKeys[rule];
            var last = -1;
            while (queue.TryDequeue(out var at, out var order))
            {
                var list = lists[at.List];
                if (at.Index + 1 < list.Count)
                {
                    queue.Enqueue((at.List, at.Index + 1), Order(list[at.Index + 1]));
                }

                if (order == last)
                {
                    continue;
                }

                last = order;
                var other = list[at.Index];
                // A rule with a region that constrains nothing matches every subset; it is still only compared with rules it shares a quantity with.
                if (!ReferenceEquals(other, rule) && _allKeys[other].Overlaps(mine))
                {
                    yield return other;
                }
            }
        }

        private IEnumerable<RuleSymbol> SharingAQuantity(RuleSymbol rule)
        {
            var found = new HashSet<RuleSymbol>();
            foreach (var key in _allKeys[rule])
            {
                foreach (var other in _byVariable[key])
                {
                    if (!ReferenceEquals(other, rule))
                    {
                        found.Add(other);
                    }
                }
            }
            return found.OrderBy(Order);
        }

        /// <summary>True when every state satisfying <paramref name="a"/> satisfies <paramref name="b"/> (a and not b is empty).</summary>
        public bool Implies(RuleSymbol a, RuleSymbol b) => MayImply(a, b) && _space.And(Satisfying(a), Falsifying(b)) is { Count: 0 };

        /// <summary>
        /// A cheap test that rules out most pairs: a region of <paramref name="a"/> can only lie inside <paramref name="b"/>
        /// when some region of b constrains no quantity the region of a leaves free. (It misses only a b whose regions
        /// together cover a quantity's whole range, which the analysis reports as a rule that always fires.)
        /// </summary>
        private bool MayImply(RuleSymbol a, RuleSymbol b)
        {
            if (!_regionKeys.TryGetValue(a, out var regionsOfA) || !_regionKeys.TryGetValue(b, out var regionsOfB))
            {
                return true;
            }

            foreach (var region in regionsOfA)
            {
                var covered = false;
                foreach (var other in regionsOfB)
                {
                    if (other.IsSubsetOf(region))
                    {
                        covered = true;
                        break;
                    }
                }
                if (!covered)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>True when every state satisfying <paramref name="a"/> satisfies <paramref name="b"/> (a and not b is empty).</summary>
    internal static bool Implies(ConditionSpace space, RuleSymbol a, RuleSymbol b) =>
        space.And(space.Satisfying(a.Condition), space.Falsifying(b.Condition)) is { Count: 0 };

    private static int Strength(RuleAction action) => action == RuleAction.Discontinue ? 2 : 1;
}
