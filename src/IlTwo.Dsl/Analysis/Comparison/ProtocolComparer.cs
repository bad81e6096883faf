using System.Collections.Immutable;
using IlTwo.Dsl.Analysis.Verification;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Records;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Compares two versions of a protocol by meaning (bound rules, regimen, observations, references, scenarios), never by
/// text: layout and comments make no difference. Each change gets a safety verdict; see docs/diff.md for the rules.
/// </summary>
public static class ProtocolComparer
{
    /// <param name="ruleByRule">
    /// False leaves out the rule-by-rule rows (a query or more per changed rule): the overall verdict does not depend on
    /// them, so a claim that holds is proven with the region check alone.
    /// </param>
    public static ProtocolDiff Compare(ProtocolCompilation old, ProtocolCompilation @new, string? oldLabel = null, string? newLabel = null, bool ruleByRule = true)
    {
        using var analysis = new SafetyAnalysis(old, @new);
        var changes = new List<ProtocolChange>();
        Header(old.Protocol, @new.Protocol, changes);
        Regimen(old.Protocol.Regimen, @new.Protocol.Regimen, changes);
        Observations(old.Protocol, @new.Protocol, changes);
        var region = analysis.CompareProtocols();
        if (ruleByRule)
        {
            Rules(old.Protocol, @new.Protocol, analysis, region, changes);
        }

        CourseClauses(old.Protocol, @new.Protocol, changes);
        References(old.Protocol, @new.Protocol, changes);
        Scenarios(old.Protocol, @new.Protocol, changes);

        var nonRule = changes.Where(c => c.Area != ChangeArea.Rule).Select(c => c.Verdict);
        var overall = VerdictText.Combine(nonRule.Append(region.Verdict));
        return new ProtocolDiff(
            oldLabel ?? old.Text.Path, newLabel ?? @new.Text.Path, old.Protocol.Id, @new.Protocol.Id, old.Protocol.Version, @new.Protocol.Version,
            overall, Summarize(overall, region, changes), region, [.. changes],
            [.. Findings("old", old), .. Findings("new", @new)]);
    }

    /// <summary>The diagnostics that leave a version comparable but that the committee must see (the claim findings).</summary>
    public static bool IsFinding(Diagnostic diagnostic) =>
        diagnostic.Descriptor == DiagnosticCatalog.ClaimRefuted || diagnostic.Descriptor == DiagnosticCatalog.ClaimUndecided;

    private static IEnumerable<DiffFinding> Findings(string version, ProtocolCompilation compilation) =>
        compilation.Diagnostics.Where(IsFinding).Select(d =>
            new DiffFinding(version, d.Code, d.Severity.Word(), $"{d.Source.Path}({d.Start.Line + 1},{d.Start.Character + 1})", d.Message));

    private static string Summarize(SafetyVerdict overall, RegionComparison region, List<ProtocolChange> changes)
    {
        if (changes.Count == 0)
        {
            return "no change in meaning";
        }

        static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
        var less = changes.Count(c => c.Verdict == SafetyVerdict.LessConservative && (c.Area != ChangeArea.Rule || c.Counterexample is not null));
        // The region's checked patient is a loosening of its own only when no change is counted as one already (a
        // course clause such as 'persistent for' is, without a rule row of its own).
        if (region.Verdict == SafetyVerdict.LessConservative && less == 0)
        {
            less++;
        }

        var more = changes.Count(c => c.Verdict == SafetyVerdict.MoreConservative);
        var unknown = changes.Count(c => c.Verdict == SafetyVerdict.CannotTell);
        var lessText = Count(less, "change allows doses the old version held", "changes allow doses the old version held");
        var moreText = Count(more, "change holds or stops more, or gives fewer doses", "changes hold or stop more, or give fewer doses");
        return overall switch
        {
            SafetyVerdict.LessConservative => lessText,
            SafetyVerdict.MoreConservative => moreText + "; none allows a dose the old version held",
            SafetyVerdict.Neutral => Count(changes.Count, "change", "changes") + ", none changes when a dose is given, held or stopped",
            SafetyVerdict.Mixed => $"mixed: {Count(Math.Max(1, less), "change allows doses the old version held", "changes allow doses the old version held")}, {Count(Math.Max(1, more), "change holds or stops more, or gives fewer doses", "changes hold or stop more, or give fewer doses")}",
            _ => $"{Count(Math.Max(1, unknown), "change cannot be judged by the analysis", "changes cannot be judged by the analysis")}"
                 + (less > 0 ? $"; {lessText}" : "") + (more > 0 ? $"; {moreText}" : ""),
        };
    }

    // ------------------------------------------------------------ header

    private static void Header(BoundProtocol old, BoundProtocol @new, List<ProtocolChange> changes)
    {
        var details = new List<ChangeDetail>();
        if (old.Id != @new.Id)
        {
            details.Add(new("protocol id", old.Id, @new.Id));
        }

        if (old.Title != @new.Title)
        {
            details.Add(new("title", old.Title, @new.Title));
        }

        if (old.Version != @new.Version)
        {
            details.Add(new("version", old.Version, @new.Version));
        }

        if (old.Base?.Id != @new.Base?.Id)
        {
            details.Add(new("extends", old.Base?.Id, @new.Base?.Id));
        }

        var oldClaims = string.Join(", ", old.Claims.Select(c => c.TargetId));
        var newClaims = string.Join(", ", @new.Claims.Select(c => c.TargetId));
        if (oldClaims != newClaims)
        {
            details.Add(new("claims more conservative than", oldClaims.Length == 0 ? null : oldClaims, newClaims.Length == 0 ? null : newClaims));
        }

        if (details.Count > 0)
        {
            changes.Add(new(ChangeArea.Header, ChangeKind.Changed, @new.Id, "protocol header", [.. details], SafetyVerdict.Neutral, "names and labels only; the rules and regimen are compared below"));
        }
    }

    // ------------------------------------------------------------ regimen

    private static void Regimen(BoundRegimen old, BoundRegimen @new, List<ProtocolChange> changes)
    {
        void Add(string subject, string? before, string? after, SafetyVerdict verdict, string reason) =>
            changes.Add(new(ChangeArea.Regimen, ChangeKind.Changed, subject, $"regimen: {subject}", [new(subject, before, after)], verdict, reason));

        if (old.Drug != @new.Drug)
        {
            Add("drug", old.Drug, @new.Drug, SafetyVerdict.CannotTell, "a different drug is a different regimen");
        }

        if (old.Route != @new.Route)
        {
            Add("route", old.Route, @new.Route, SafetyVerdict.CannotTell, "a different route is a different regimen");
        }

        if (old.DoseValue != @new.DoseValue || old.DoseUnit != @new.DoseUnit)
        {
            var (verdict, reason) = old.DoseUnit != @new.DoseUnit || old.DoseValue is null || @new.DoseValue is null
                ? (SafetyVerdict.CannotTell, "the dose is stated differently and cannot be compared")
                : @new.DoseValue < old.DoseValue ? (SafetyVerdict.MoreConservative, "a lower dose")
                : (SafetyVerdict.LessConservative, "a higher dose");
            Add("dose", Dose(old), Dose(@new), verdict, reason);
        }
        if (old.MinIntervalSeconds != @new.MinIntervalSeconds || old.MaxIntervalSeconds != @new.MaxIntervalSeconds)
        {
            var details = new List<ChangeDetail> { new("dosing interval", Interval(old), Interval(@new)) };
            var (verdict, reason) = (old.MinIntervalSeconds, @new.MinIntervalSeconds) switch
            {
                ({ } a, { } b) when b > a => (SafetyVerdict.MoreConservative, "a longer shortest interval: doses are further apart"),
                ({ } a, { } b) when b < a => (SafetyVerdict.LessConservative, "a shorter shortest interval: doses may come sooner"),
                (null, not null) => (SafetyVerdict.MoreConservative, "a shortest interval where there was none"),
                (not null, null) => (SafetyVerdict.LessConservative, "no shortest interval any more"),
                _ => (SafetyVerdict.Neutral, "the shortest interval is unchanged; the longest interval is guidance the engine does not enforce"),
            };
            changes.Add(new(ChangeArea.Regimen, ChangeKind.Changed, "interval", "regimen: dosing interval", [.. details], verdict, reason));
        }
        Limit("most doses per cycle", old.MaxDosesPerCycle, @new.MaxDosesPerCycle, changes);
        Limit("most doses per course", old.MaxDosesPerCourse, @new.MaxDosesPerCourse, changes);
        if (old.MaxDosesPerCourse is not null && @new.MaxDosesPerCourse is not null && old.CourseCapCountsSlots != @new.CourseCapCountsSlots)
        {
            static string What(bool slots) => slots ? "dose slots (given and held)" : "doses given";
            Add("course cap counts", What(old.CourseCapCountsSlots), What(@new.CourseCapCountsSlots),
                @new.CourseCapCountsSlots ? SafetyVerdict.MoreConservative : SafetyVerdict.LessConservative,
                @new.CourseCapCountsSlots ? "held slots now count toward the cap: the course ends sooner" : "held slots no longer count toward the cap: more doses may be given");
        }
        if (!Equals(Window(old.FirstDose), Window(@new.FirstDose)))
        {
            var (verdict, reason) = (old.FirstDose, @new.FirstDose) switch
            {
                (null, not null) => (SafetyVerdict.MoreConservative, "a first-dose window where there was none: the first dose is held outside it"),
                (not null, null) => (SafetyVerdict.LessConservative, "no first-dose window any more"),
                ({ } a, { } b) when a.Event.Name != b.Event.Name => (SafetyVerdict.CannotTell, "the window is counted from a different event"),
                ({ } a, { } b) when b.EarliestSeconds >= a.EarliestSeconds && b.LatestSeconds <= a.LatestSeconds => (SafetyVerdict.MoreConservative, "a narrower first-dose window"),
                ({ } a, { } b) when b.EarliestSeconds <= a.EarliestSeconds && b.LatestSeconds >= a.LatestSeconds => (SafetyVerdict.LessConservative, "a wider first-dose window"),
                _ => (SafetyVerdict.CannotTell, "the window moved: narrower on one side, wider on the other"),
            };
            Add("first-dose window", Window(old.FirstDose), Window(@new.FirstDose), verdict, reason);
        }
        var oldCites = old.Citations.Select(Citation).ToList();
        var newCites = @new.Citations.Select(Citation).ToList();
        if (!oldCites.SequenceEqual(newCites))
        {
            changes.Add(new(ChangeArea.Regimen, ChangeKind.Changed, "citations", "regimen: citations", CitationDetails(oldCites, newCites), SafetyVerdict.Neutral, "sources only"));
        }
    }

    private static void Limit(string what, int? old, int? @new, List<ProtocolChange> changes)
    {
        if (old == @new)
        {
            return;
        }

        var (verdict, reason) = (old, @new) switch
        {
            (null, _) => (SafetyVerdict.MoreConservative, $"a limit where there was none: at most {@new} doses"),
            (_, null) => (SafetyVerdict.LessConservative, "no limit any more"),
            _ when @new < old => (SafetyVerdict.MoreConservative, "fewer doses"),
            _ => (SafetyVerdict.LessConservative, "more doses"),
        };
        changes.Add(new(ChangeArea.Regimen, ChangeKind.Changed, what, $"regimen: {what}", [new(what, old?.ToString(), @new?.ToString())], verdict, reason));
    }

    private static string? Dose(BoundRegimen r) => r.DoseValue is { } v ? $"{ConditionText.Number(v)} {r.DoseUnit}" : null;

    private static string? Interval(BoundRegimen r) => r.MinIntervalSeconds is not { } min ? null
        : r.MaxIntervalSeconds is { } max ? $"every {ConditionText.Hours(min)} to {ConditionText.Hours(max)}" : $"every {ConditionText.Hours(min)}";

    private static string? Window(BoundFirstDoseWindow? w) => w is null ? null
        : $"{ConditionText.Hours(w.EarliestSeconds)} to {ConditionText.Hours(w.LatestSeconds)} after {w.Event.Name}";

    private static string Citation(BoundCitation c) =>
        c.Unverified ? $"unverified: {c.Note}" : c.Locator is null ? $"{c.Reference?.Name}" : $"{c.Reference?.Name}: {c.Locator}";

    private static ImmutableArray<ChangeDetail> CitationDetails(List<string> old, List<string> @new) =>
        [.. old.Except(@new).Select(c => new ChangeDetail("citation", c, null)), .. @new.Except(old).Select(c => new ChangeDetail("citation", null, c))];

    // ------------------------------------------------------------ observations

    private static void Observations(BoundProtocol old, BoundProtocol @new, List<ProtocolChange> changes)
    {
        foreach (var o in old.Observations.Where(o => @new.FindObservation(o.Name) is null))
        {
            changes.Add(new(ChangeArea.Observation, ChangeKind.Removed, o.Name, $"observation '{o.Name}' removed", [new("observation", Describe(o), null)], SafetyVerdict.Neutral, "no longer read; the rules that read it are compared below"));
        }

        foreach (var o in @new.Observations.Where(o => old.FindObservation(o.Name) is null))
        {
            changes.Add(new(ChangeArea.Observation, ChangeKind.Added, o.Name, $"observation '{o.Name}' added", [new("observation", null, Describe(o))], SafetyVerdict.Neutral, "a new input; the rules that read it are compared below"));
        }

        foreach (var a in old.Observations)
        {
            if (@new.FindObservation(a.Name) is not { } b)
            {
                continue;
            }

            var items = new List<(ChangeDetail Detail, SafetyVerdict Verdict, string Reason)>();
            if (a.Title != b.Title)
            {
                items.Add((new("title", a.Title, b.Title), SafetyVerdict.Neutral, "wording"));
            }

            if (a.IsYesNo != b.IsYesNo)
            {
                items.Add((new("kind", a.IsYesNo ? "yes/no" : "numeric", b.IsYesNo ? "yes/no" : "numeric"), SafetyVerdict.CannotTell, "a different kind of value"));
            }

            if (a.Unit?.Code != b.Unit?.Code)
            {
                items.Add((new("unit", a.Unit?.Code, b.Unit?.Code), SafetyVerdict.Neutral, "values convert; thresholds compare the same quantities"));
            }

            if (a.RecencySeconds != b.RecencySeconds)
            {
                var verdict = a.RecencySeconds is { } x && b.RecencySeconds is { } y
                    ? y < x ? SafetyVerdict.MoreConservative : SafetyVerdict.LessConservative
                    : SafetyVerdict.CannotTell;
                var reason = verdict switch
                {
                    SafetyVerdict.MoreConservative => "a shorter recency window: older values no longer count, so the dose is held for missing data sooner",
                    SafetyVerdict.LessConservative => "a longer recency window: older values still count instead of holding for missing data",
                    _ => "the recency window cannot be compared",
                };
                items.Add((new("within", Hours(a.RecencySeconds), Hours(b.RecencySeconds)), verdict, reason));
            }
            if (!a.LoincCodes.SequenceEqual(b.LoincCodes))
            {
                items.Add((new("LOINC codes", string.Join(", ", a.LoincCodes), string.Join(", ", b.LoincCodes)), SafetyVerdict.CannotTell,
                    "which values count changes with the codes the sending systems use: more codes can replace missing data (a hold) with a value, fewer can hide one"));
            }
            if (!SameRange(a.Range, b.Range))
            {
                items.Add(RangeChange(a, b));
            }

            if (a.ReportedTo != b.ReportedTo)
            {
                items.Add((new("reported to", ReportedTo(a), ReportedTo(b)), SafetyVerdict.CannotTell,
                    "values converted from another unit round differently: one may now meet a threshold it missed, or miss one it met"));
            }

            if (a.MolarMass != b.MolarMass)
            {
                items.Add((new("molar mass", a.MolarMass is { } m ? $"{ConditionText.Number(m)} g/mol" : null, b.MolarMass is { } n ? $"{ConditionText.Number(n)} g/mol" : null), SafetyVerdict.CannotTell, "values in molar units convert differently"));
            }

            if (a.IsOptional != b.IsOptional)
            {
                items.Add(b.IsOptional
                    ? (new("optional", "no", "yes"), SafetyVerdict.LessConservative, "now optional: when it is missing, the dose is no longer held for missing data")
                    : (new("optional", "yes", "no"), SafetyVerdict.MoreConservative, "no longer optional: when it is missing, the dose is held for missing data"));
            }
            if (items.Count == 0)
            {
                continue;
            }

            var combined = VerdictText.Combine(items.Select(i => i.Verdict));
            changes.Add(new(ChangeArea.Observation, ChangeKind.Changed, a.Name, $"observation '{a.Name}' changed",
                [.. items.Select(i => i.Detail)], combined, string.Join("; ", items.Where(i => i.Verdict != SafetyVerdict.Neutral || items.Count == 1).Select(i => i.Reason).DefaultIfEmpty(items[0].Reason))));
        }
    }

    private static string? Hours(double? seconds) => seconds is { } s ? ConditionText.Hours(s) : null;

    /// <summary>Equal up to the rounding of a unit change (40 mm[Hg] written as 5.333 kPa is the same bound).</summary>
    private static bool SameRange((double Low, double High)? a, (double Low, double High)? b) =>
        a is { } x && b is { } y
            ? Close(x.Low, y.Low) && Close(x.High, y.High)
            : a is null && b is null;

    private static bool Close(double a, double b) => Math.Abs(a - b) <= Math.Max(Math.Abs(a), Math.Abs(b)) * 1e-9;

    /// <summary>The engine holds on a value outside the range: a narrower range holds on more values.</summary>
    private static (ChangeDetail Detail, SafetyVerdict Verdict, string Reason) RangeChange(ObservationSymbol a, ObservationSymbol b)
    {
        var detail = new ChangeDetail("range", Range(a), Range(b));
        return (a.Range, b.Range) switch
        {
            (null, _) => (detail, SafetyVerdict.MoreConservative, "a new plausible range: values outside it are data errors that hold the dose"),
            (_, null) => (detail, SafetyVerdict.LessConservative, "no plausible range any more: implausible values are compared instead of holding the dose"),
            ({ } x, { } y) when y.Low >= x.Low && y.High <= x.High => (detail, SafetyVerdict.MoreConservative, "a narrower plausible range: more values are data errors that hold the dose"),
            ({ } x, { } y) when y.Low <= x.Low && y.High >= x.High => (detail, SafetyVerdict.LessConservative, "a wider plausible range: values that held the dose as implausible are now compared"),
            _ => (detail, SafetyVerdict.CannotTell, "the plausible range moved: some implausible values now count, others no longer do"),
        };
    }

    private static string? ReportedTo(ObservationSymbol o) => o.ReportedTo is { } p ? ConditionText.Number(p) + (o.Unit is { } u ? " " + u.Code : "") : null;

    private static string? Range(ObservationSymbol o) => o.Range is { } r
        ? $"{ConditionText.Value(r.Low, ConditionText.ObservationUnit(o))} to {ConditionText.Value(r.High, ConditionText.ObservationUnit(o))}"
        : null;

    private static string Describe(ObservationSymbol o) =>
        $"{o.Name}{(o.Title is null ? "" : $" \"{o.Title}\"")} ({(o.IsYesNo ? "yes/no" : o.Unit?.Code)}, within {Hours(o.RecencySeconds)}{(o.IsOptional ? ", optional" : "")})";

    // ------------------------------------------------------------ rules

    private static void Rules(BoundProtocol old, BoundProtocol @new, SafetyAnalysis analysis, RegionComparison region, List<ProtocolChange> changes)
    {
        var removed = old.Rules.Where(r => @new.FindRule(r.Name) is null).ToList();
        var added = @new.Rules.Where(r => old.FindRule(r.Name) is null).ToList();
        var pairs = old.Rules.Select(r => (Old: r, New: @new.FindRule(r.Name))).Where(p => p.New is not null).Select(p => (p.Old, New: p.New!, Renamed: false)).ToList();

        // Renames: an added and a removed rule with the same action and equivalent conditions, or very similar titles.
        foreach (var r in removed.ToList())
        {
            var match = added.FirstOrDefault(a => a.Action == r.Action && Equivalent(analysis, r, a))
                ?? added.FirstOrDefault(a => Similar(a.Title, r.Title));
            if (match is null)
            {
                continue;
            }

            removed.Remove(r);
            added.Remove(match);
            pairs.Add((r, match, true));
        }

        foreach (var (a, b, renamed) in pairs)
        {
            var details = RuleDetails(a, b, renamed);
            if (details.Count == 0)
            {
                continue;
            }

            var (verdict, reason) = CompareRules(analysis, a, b);
            Counterexample? example = null;
            if (verdict is SafetyVerdict.LessConservative or SafetyVerdict.Mixed or SafetyVerdict.CannotTell)
            {
                example = ProtocolLevelExample(analysis, old, @new, a, ref reason);
            }

            var kind = renamed ? ChangeKind.Renamed : ChangeKind.Changed;
            var summary = renamed ? $"rule '{a.Name}' renamed to '{b.Name}' (probably: {(Equivalent(analysis, a, b) ? "same condition and action" : "similar title")})" : $"rule '{b.Name}' changed";
            changes.Add(new(ChangeArea.Rule, kind, b.Name, summary, [.. details], verdict, reason, example));
        }

        foreach (var r in removed)
        {
            var (verdict, reason) = (SafetyVerdict.LessConservative, $"the new version no longer {(r.Action == RuleAction.Discontinue ? "stops IL-2" : "holds the dose")} for this rule");
            Counterexample? example = null;
            if (analysis.Possible(analysis.Rule(Side.Old, r).Holds) == false)
            {
                (verdict, reason) = (SafetyVerdict.Neutral, "the rule could never fire (proven)");
            }
            else
            {
                var finding = LessInContext(analysis, old, @new, r);
                (verdict, reason, example) = finding.Outcome switch
                {
                    RegionOutcome.Empty => (SafetyVerdict.Neutral, "other rules of the new version still hold or stop IL-2 in every situation it did (proven)", null),
                    RegionOutcome.Witnessed => (verdict, $"{reason}; for example {finding.Example!.Describe()}: {finding.Example.NewDecision} now, {finding.Example.OldDecision} before", finding.Example),
                    _ => (SafetyVerdict.CannotTell, finding.Reason!, null),
                };
            }
            var removal = @new.RemovedRules.FirstOrDefault(x => x.Rule.Name == r.Name);
            var details = ImmutableArray.Create(new ChangeDetail("rule", RuleLine(r), null));
            if (removal?.Reason is { } because)
            {
                details = details.Add(new ChangeDetail("reason given", null, because));
            }

            changes.Add(new(ChangeArea.Rule, ChangeKind.Removed, r.Name, $"rule '{r.Name}' removed", details, verdict, reason, example));
        }

        foreach (var r in added)
        {
            var terms = analysis.Rule(Side.New, r);
            SafetyVerdict verdict;
            string reason;
            if (analysis.Possible(terms.Holds) == false)
            {
                (verdict, reason) = (SafetyVerdict.Neutral, "the rule can never fire (proven)");
            }
            else
            {
                // An added rule never gives a dose the old version held: it holds more, or (inside a region the old
                // version already held or stopped) changes nothing.
                var hold = analysis.Possible(And(terms.Holds, Not(analysis.Holds(Side.Old, SafetyAnalysis.Holding(old)))));
                var stop = r.Action == RuleAction.Discontinue
                    ? analysis.Possible(And(terms.True, Not(analysis.StopsOrAwaits(Side.Old, old, null))))
                    : false;
                (verdict, reason) = (hold, stop) switch
                {
                    (false, false) => (SafetyVerdict.Neutral, r.Action == RuleAction.Discontinue
                        ? "it fires only where the old version already stopped IL-2 (proven)"
                        : "it fires only where the old version already held the dose (proven)"),
                    (false, _) => (SafetyVerdict.MoreConservative, "stops IL-2 where the old version only held the dose"),
                    _ => (SafetyVerdict.MoreConservative, $"a new reason to {(r.Action == RuleAction.Discontinue ? "stop IL-2" : "hold the dose")}"),
                };
            }
            changes.Add(new(ChangeArea.Rule, ChangeKind.Added, r.Name, $"rule '{r.Name}' added", [new("rule", null, RuleLine(r))], verdict, reason));
        }
    }

    /// <summary>Where the old rule held (stopped) and the whole new protocol gives (does not surely stop), checked on a record.</summary>
    private static RegionFinding LessInContext(SafetyAnalysis analysis, BoundProtocol old, BoundProtocol @new, RuleSymbol oldRule)
    {
        var terms = analysis.Rule(Side.Old, oldRule);
        var hold = analysis.Explore(And(terms.Holds, Not(analysis.Holds(Side.New, SafetyAnalysis.Holding(@new)))),
            r => analysis.Verify(r, stop: false, less: true), $"whether the new version gives a dose where '{oldRule.Name}' held");
        var stop = oldRule.Action == RuleAction.Discontinue
            ? analysis.Explore(And(terms.True, Not(analysis.StopsOrAwaits(Side.New, @new, old))),
                r => analysis.Verify(r, stop: true, less: true), $"whether the new version continues IL-2 where '{oldRule.Name}' stopped it")
            : RegionFinding.EmptyRegion;
        return SafetyAnalysis.Merge(hold, stop);
    }

    /// <summary>A verified patient state the old rule held or stopped and the whole new protocol gives (or only holds).</summary>
    private static Counterexample? ProtocolLevelExample(SafetyAnalysis analysis, BoundProtocol old, BoundProtocol @new, RuleSymbol oldRule, ref string reason)
    {
        var finding = LessInContext(analysis, old, @new, oldRule);
        if (finding.Outcome == RegionOutcome.Empty)
        {
            reason += "; other rules of the new version still hold or stop IL-2 for all of these patients";
            return null;
        }
        if (finding.Example is { } example)
        {
            reason += $"; for example {example.Describe()}: {example.NewDecision} now, {example.OldDecision} before";
        }

        return finding.Example;
    }

    /// <summary>The same decisions: the solver proves that the two rules hold, and stop, in exactly the same states.</summary>
    private static bool Equivalent(SafetyAnalysis analysis, RuleSymbol a, RuleSymbol b)
    {
        if (a.Condition is BoundErrorExpression || b.Condition is BoundErrorExpression)
        {
            return false;
        }

        if (BoundExpressionKey.Of(a.Condition) == BoundExpressionKey.Of(b.Condition))
        {
            return true;
        }

        var x = analysis.Rule(Side.Old, a);
        var y = analysis.Rule(Side.New, b);
        return analysis.Possible(Not(Eq(x.Holds, y.Holds))) == false && analysis.Possible(Not(Eq(x.True, y.True))) == false;
    }

    private static string RuleLine(RuleSymbol r) => $"{r.Action.ToString().ToLowerInvariant()} when {ConditionText.Render(r.Condition)} — \"{r.Title}\"";

    internal static bool Similar(string a, string b)
    {
        var x = a.Trim().ToLowerInvariant();
        var y = b.Trim().ToLowerInvariant();
        var distance = Levenshtein.Distance(x, y);
        return distance <= Math.Max(2, Math.Max(x.Length, y.Length) / 5);
    }

    private static List<ChangeDetail> RuleDetails(RuleSymbol a, RuleSymbol b, bool renamed)
    {
        var details = new List<ChangeDetail>();
        if (renamed)
        {
            details.Add(new("id", a.Name, b.Name));
        }

        if (a.Action != b.Action)
        {
            details.Add(new("action", a.Action.ToString().ToLowerInvariant(), b.Action.ToString().ToLowerInvariant()));
        }

        if (a.Title != b.Title)
        {
            details.Add(new("title", a.Title, b.Title));
        }

        if (BoundExpressionKey.Of(a.Condition) != BoundExpressionKey.Of(b.Condition))
        {
            var atomsA = ConditionText.Atoms(a.Condition);
            var atomsB = ConditionText.Atoms(b.Condition);
            if (ConditionText.Shape(a.Condition) == ConditionText.Shape(b.Condition) && atomsA.Count == atomsB.Count)
            {
                for (var i = 0; i < atomsA.Count; i++)
                {
                    if (BoundExpressionKey.Of(atomsA[i]) != BoundExpressionKey.Of(atomsB[i]))
                    {
                        details.Add(new(atomsA.Count == 1 ? "condition" : $"condition, part {i + 1}", ConditionText.Render(atomsA[i]), ConditionText.Render(atomsB[i])));
                    }
                }
            }
            else
            {
                details.Add(new("condition", ConditionText.Render(a.Condition), ConditionText.Render(b.Condition)));
            }
        }
        var citesA = a.Citations.Select(Citation).ToList();
        var citesB = b.Citations.Select(Citation).ToList();
        if (!citesA.SequenceEqual(citesB))
        {
            details.AddRange(CitationDetails(citesA, citesB));
        }

        return details;
    }

    /// <summary>One rule against its new version: its own hold region and (for discontinue) stop region, each decided by the solver and checked on a record.</summary>
    private static (SafetyVerdict, string) CompareRules(SafetyAnalysis analysis, RuleSymbol a, RuleSymbol b)
    {
        if (BoundExpressionKey.Of(a.Condition) == BoundExpressionKey.Of(b.Condition) && a.Action == b.Action)
        {
            return (SafetyVerdict.Neutral, "the same condition and action; wording or sources only");
        }

        var x = analysis.Rule(Side.Old, a);
        var y = analysis.Rule(Side.New, b);
        var aStops = a.Action == RuleAction.Discontinue;
        var bStops = b.Action == RuleAction.Discontinue;
        var lessHold = analysis.Explore(And(x.Holds, Not(y.Holds)), r => analysis.VerifyRules(r, a, b, stop: false, less: true), $"whether '{b.Name}' no longer holds where it did");
        var lessStop = aStops
            ? analysis.Explore(And(x.True, Not(bStops ? y.True : False)), r => analysis.VerifyRules(r, a, b, stop: true, less: true), $"whether '{b.Name}' no longer stops IL-2 where it did")
            : RegionFinding.EmptyRegion;
        var moreHold = analysis.Explore(And(y.Holds, Not(x.Holds)), r => analysis.VerifyRules(r, a, b, stop: false, less: false), $"whether '{b.Name}' holds where it did not");
        var moreStop = bStops
            ? analysis.Explore(And(y.True, Not(aStops ? x.True : False)), r => analysis.VerifyRules(r, a, b, stop: true, less: false), $"whether '{b.Name}' stops IL-2 where it did not")
            : RegionFinding.EmptyRegion;
        var less = SafetyAnalysis.Merge(lessHold, lessStop);
        var more = SafetyAnalysis.Merge(moreHold, moreStop);
        var what = a.Action == b.Action ? "fires" : bStops ? "stops IL-2" : "holds";
        return (less.Outcome, more.Outcome) switch
        {
            (RegionOutcome.Empty, RegionOutcome.Empty) => (SafetyVerdict.Neutral, "the conditions are equivalent (proven)"),
            (RegionOutcome.Empty, _) => (SafetyVerdict.MoreConservative, a.Action != b.Action && lessHold.Outcome == RegionOutcome.Empty && moreHold.Outcome == RegionOutcome.Empty
                ? "stops IL-2 where it held the dose"
                : $"{what} in every situation it did before (proven), and in more"
                  + (more.Example is { } m ? $": for example {m.Describe()}" : "")),
            (RegionOutcome.Witnessed, RegionOutcome.Empty) => (SafetyVerdict.LessConservative, a.Action != b.Action && lessHold.Outcome == RegionOutcome.Empty
                ? "only holds the dose where it stopped IL-2"
                : $"no longer {(aStops ? "stops IL-2 or holds" : "holds")} in some situations it did (and never fires where it did not: proven)"),
            (RegionOutcome.Witnessed, RegionOutcome.Witnessed) => (SafetyVerdict.Mixed, $"mixed: fires in some new situations ({more.Example!.Describe()}) and no longer in some old ones ({less.Example!.Describe()})"),
            (RegionOutcome.Witnessed, _) => (SafetyVerdict.LessConservative, $"no longer {(aStops ? "stops IL-2 or holds" : "holds")} in some situations it did; {more.Reason}"),
            _ => (SafetyVerdict.CannotTell, less.Reason ?? "the verifier could not decide"),
        };
    }

    // ------------------------------------------------------------ course clauses

    /// <summary>
    /// The clauses that make a rule act over the course, for rules in both versions. The region analysis sees one
    /// patient state; these are judged here, and feed the overall verdict (and so the <c>claim</c> check).
    /// </summary>
    private static void CourseClauses(BoundProtocol old, BoundProtocol @new, List<ProtocolChange> changes)
    {
        static string? Text(BoundExpression? e) => e is null ? null : ConditionText.Render(e);
        foreach (var a in old.Rules)
        {
            if (@new.FindRule(a.Name) is not { } b)
            {
                continue;
            }

            var items = new List<(ChangeDetail Detail, SafetyVerdict Verdict, string Reason)>();
            var stops = a.Action == RuleAction.Discontinue && b.Action == RuleAction.Discontinue;
            if (Text(a.Until) != Text(b.Until) || (a.Until is not null && b.Until is not null && BoundExpressionKey.Of(a.Until) != BoundExpressionKey.Of(b.Until)))
            {
                items.Add((new("until", Text(a.Until), Text(b.Until)), (a.Until, b.Until) switch
                {
                    (null, _) => SafetyVerdict.MoreConservative,
                    (_, null) => SafetyVerdict.LessConservative,
                    _ => SafetyVerdict.CannotTell,
                }, (a.Until, b.Until) switch
                {
                    (null, _) => "once it has held, later doses stay held until the resolution is shown",
                    (_, null) => "no longer holds until resolved: a dose may be given once the condition is no longer true",
                    _ => "a different resolution condition",
                }));
            }
            if (a.PersistenceSeconds != b.PersistenceSeconds)
            {
                var verdict = !stops ? SafetyVerdict.Neutral
                    : (a.PersistenceSeconds, b.PersistenceSeconds) switch
                    {
                        (null, _) => SafetyVerdict.LessConservative,
                        (_, null) => SafetyVerdict.MoreConservative,
                        ({ } x, { } y) => y > x ? SafetyVerdict.LessConservative : SafetyVerdict.MoreConservative,
                    };
                var reason = !stops ? "a hold rule holds whether or not persistence is shown"
                    : verdict == SafetyVerdict.LessConservative ? "IL-2 is stopped only after a longer persistence is shown (until then the dose is held)"
                    : "IL-2 is stopped after a shorter persistence (or at once)";
                items.Add((new("persistent for", Hours(a.PersistenceSeconds), Hours(b.PersistenceSeconds)), verdict, reason));
            }
            if (Key(a.Correction) != Key(b.Correction))
            {
                var verdict = !stops ? SafetyVerdict.Neutral
                    : (a.Correction, b.Correction) switch
                    {
                        (null, _) => SafetyVerdict.LessConservative,
                        (_, null) => SafetyVerdict.MoreConservative,
                        _ => SafetyVerdict.CannotTell,
                    };
                var reason = !stops ? "a hold rule holds whether or not the correction is shown"
                    : verdict switch
                    {
                        SafetyVerdict.LessConservative => "IL-2 is stopped only once the correction is shown (until then the dose is held)",
                        SafetyVerdict.MoreConservative => "IL-2 is stopped without waiting for a correction",
                        _ => "a different correction condition",
                    };
                items.Add((new("corrected when", Text(a.Correction), Text(b.Correction)), verdict, reason));
            }
            if (!a.Groups.SequenceEqual(b.Groups))
            {
                items.Add((new("groups", string.Join(", ", a.Groups), string.Join(", ", b.Groups)), SafetyVerdict.Neutral, "group membership matters through the rules that count the group, compared above"));
            }

            if (items.Count == 0)
            {
                continue;
            }

            changes.Add(new(ChangeArea.Course, ChangeKind.Changed, b.Name, $"rule '{b.Name}': how it acts over the course",
                [.. items.Select(i => i.Detail)], VerdictText.Combine(items.Select(i => i.Verdict)),
                string.Join("; ", items.Select(i => i.Reason))));
        }
    }

    private static string? Key(BoundExpression? e) => e is null ? null : BoundExpressionKey.Of(e);

    // ------------------------------------------------------------ references and scenarios

    private static void References(BoundProtocol old, BoundProtocol @new, List<ProtocolChange> changes)
    {
        static string Text(ReferenceSymbol r) => r.Title + (r.Doi is null ? "" : $" (doi {r.Doi})") + (r.Url is null ? "" : $" ({r.Url})");
        foreach (var r in old.References.Where(r => !@new.References.Any(n => n.Name == r.Name)))
        {
            changes.Add(new(ChangeArea.Reference, ChangeKind.Removed, r.Name, $"reference '{r.Name}' removed", [new("reference", Text(r), null)], SafetyVerdict.Neutral, "sources only"));
        }

        foreach (var r in @new.References.Where(r => !old.References.Any(o => o.Name == r.Name)))
        {
            changes.Add(new(ChangeArea.Reference, ChangeKind.Added, r.Name, $"reference '{r.Name}' added", [new("reference", null, Text(r))], SafetyVerdict.Neutral, "sources only"));
        }

        foreach (var r in old.References)
        {
            if (@new.References.FirstOrDefault(n => n.Name == r.Name) is { } n && Text(n) != Text(r))
            {
                changes.Add(new(ChangeArea.Reference, ChangeKind.Changed, r.Name, $"reference '{r.Name}' changed", [new("reference", Text(r), Text(n))], SafetyVerdict.Neutral, "sources only"));
            }
        }
    }

    private static void Scenarios(BoundProtocol oldProtocol, BoundProtocol newProtocol, List<ProtocolChange> changes)
    {
        // Each side's scenarios include the inherited ones (they run against it too): an extension does not remove its
        // base's scenarios, and an `override scenario` shows as a changed expectation.
        var old = oldProtocol.AllScenarios.ToList();
        var @new = newProtocol.AllScenarios.ToList();
        var oldTitles = old.Select(s => s.Title).ToHashSet(StringComparer.Ordinal);
        var newTitles = @new.Select(s => s.Title).ToHashSet(StringComparer.Ordinal);
        foreach (var s in old.Where(s => !newTitles.Contains(s.Title)))
        {
            changes.Add(new(ChangeArea.Scenario, ChangeKind.Removed, s.Title, $"scenario \"{s.Title}\" removed", [new("scenario", Expect(s), null)], SafetyVerdict.Neutral, "tests only; the rules are compared above"));
        }

        foreach (var s in @new.Where(s => !oldTitles.Contains(s.Title)))
        {
            changes.Add(new(ChangeArea.Scenario, ChangeKind.Added, s.Title, $"scenario \"{s.Title}\" added", [new("scenario", null, Expect(s))], SafetyVerdict.Neutral, "tests only; the rules are compared above"));
        }

        foreach (var s in old)
        {
            if (@new.FirstOrDefault(n => n.Title == s.Title) is { } n && ScenarioKey(n) != ScenarioKey(s))
            {
                changes.Add(new(ChangeArea.Scenario, ChangeKind.Changed, s.Title, $"scenario \"{s.Title}\" changed", [new("scenario", Expect(s), Expect(n))], SafetyVerdict.Neutral, "tests only; the rules are compared above"));
            }
        }
    }

    private static string Expect(BoundScenario s) =>
        s.ExpectedAction is not { } action ? "no expectation"
        : $"expects {action.ToString().ToLowerInvariant()}" + (s.ExpectedRules is { } rules ? $" because {string.Join(", ", rules.Select(r => r.Name))}" : "");

    private static string ScenarioKey(BoundScenario s) => string.Join("|",
        Expect(s),
        s.Weight?.ToString() ?? "",
        string.Join(",", s.Events.Select(e => $"{e.Type}@{e.AgoSeconds}")),
        string.Join(",", s.Doses.Select(d => $"{d.Given}@{d.AgoSeconds}")),
        string.Join(",", s.Observations.Select(o => $"{o.Observation.Name}={o.Value}{o.Unit}{o.Flag}@{o.AgoSeconds}")));
}
