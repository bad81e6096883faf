using System.Collections.Immutable;
using IlTwo.Dsl.Text;
using static IlTwo.Dsl.Diagnostics.DiagnosticCatalog;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>Where a nesting limit was hit (IL0005).</summary>
public enum NestingKind
{
    PrefixOperators,
    Parentheses,
    Operators,
}

/// <summary>A header item that may be declared once (IL0102, IL0103).</summary>
public enum HeaderItem
{
    Protocol,
    Title,
    Version,
}

/// <summary>Why a claim's protocol cannot be compared with this one (IL0124).</summary>
public enum ClaimProblem
{
    Itself,
    InCycle,
    NotFound,
    DeclaresAnotherId,
    HasErrors,
}

/// <summary>What is wrong with a function call's arguments (IL0113).</summary>
public enum ArgumentProblem
{
    Count,
    NotAnObservationName,
    ConstantNotObservation,
    NotAWindow,
}

/// <summary>Which bounds of a range are out of order (IL0211).</summary>
public enum RangeProblem
{
    OnYesNo,
    LowNotBelowHigh,
    LongestBelowShortest,
    FirstDoseEndsBeforeStart,
}

/// <summary>
/// One report method per diagnostic code: call sites pass values (names, units, spans), the text comes from the code's
/// message template in <see cref="DiagnosticCatalog"/>. Where one code covers several situations of the same meaning,
/// the method takes the situation (an enum) and the few words that differ are chosen here.
/// </summary>
public sealed partial class DiagnosticBag
{
    // ------------------------------------------------------------ syntax (IL00xx)

    public void ReportUnexpectedCharacter(TextSpan span, string character) => Report(UnexpectedCharacter, span, character);

    public void ReportUnterminatedString(TextSpan span) => Report(UnterminatedString, span);

    /// <param name="found">The offending token, described (<c>'foo'</c>, <c>end of file</c>).</param>
    /// <param name="expected">What the grammar allows there, described.</param>
    /// <param name="reservedWord">The token's text when it is a reserved word where a name was expected.</param>
    public void ReportUnexpectedToken(TextSpan span, string found, string expected, string? reservedWord) =>
        Report(UnexpectedToken, span, found, expected, reservedWord is null ? "" : $" ('{reservedWord}' is a reserved word and cannot be used as a name)");

    public void ReportMissingToken(TextSpan span, string expected, string before) => Report(MissingToken, span, expected, before);

    public void ReportNestingTooDeep(TextSpan span, NestingKind kind, int limit) =>
        Report(NestingTooDeep, span, kind switch
        {
            NestingKind.PrefixOperators => "'-' and 'not' with parentheses",
            NestingKind.Parentheses => "parentheses",
            _ => "operators in one expression",
        }, limit, kind == NestingKind.Operators ? "split it with constants" : "the file was not parsed further");

    /// <param name="what">What was counted: <c>syntax errors</c>, <c>unexpected characters</c>.</param>
    public void ReportTooManyErrors(TextSpan span, string what, int limit) => Report(TooManyErrors, span, what, limit);

    public void ReportInvalidNumber(TextSpan span, string number) => Report(InvalidNumber, span, number);

    public void ReportInvalidEncoding(TextSpan span) => Report(InvalidEncoding, span);

    public void ReportEmptyFile(TextSpan span) => Report(EmptyFile, span);

    public void ReportBidiControlCharacter(TextSpan span, char character) =>
        Report(BidiControlCharacter, span, (int)character, BidiControls.Name(character));

    // ------------------------------------------------------------ declarations and names (IL01xx)

    public void ReportMissingProtocolDeclaration(TextSpan span, string suggestedId) =>
        Report(MissingProtocolDeclaration, span, new DiagnosticFix("Add a protocol declaration", new TextSpan(span.Start, 0), $"protocol {suggestedId}\n"));

    public void ReportDuplicateHeaderItem(TextSpan span, HeaderItem item) =>
        Report(DuplicateHeaderItem, span, item switch
        {
            HeaderItem.Protocol => "'protocol'",
            HeaderItem.Title => "the title",
            _ => "the version",
        });

    public void ReportDuplicateClaim(TextSpan span, string targetId) => Report(DuplicateHeaderItem, span, $"the claim against '{targetId}'");

    public void ReportMissingHeaderItem(TextSpan span, string protocolId, HeaderItem item) =>
        Report(MissingHeaderItem, span, protocolId, item == HeaderItem.Title ? "title" : "version", item == HeaderItem.Title ? "title \"...\"" : "version 1.0.0");

    /// <param name="firstLine">The 1-based line of the first declaration in this file, or null when it is inherited.</param>
    /// <param name="inheritedFrom">The protocol the first declaration is inherited from, when <paramref name="firstLine"/> is null.</param>
    public void ReportDuplicateName(TextSpan span, string name, int? firstLine, string? inheritedFrom = null) =>
        Report(DuplicateName, span, name, firstLine is { } line ? $"line {line}" : $"inherited from '{inheritedFrom}'");

    public void ReportObservationAndConstantShareName(TextSpan span, string name) =>
        Report(DuplicateName, span, name, "an observation and a constant cannot share a name");

    /// <param name="kind">What the name should have been: <c>observation</c>, <c>observation or constant</c>.</param>
    public void ReportUndefinedName(TextSpan span, string name, string kind, IEnumerable<string> candidates) =>
        ReportMisspelt(UndefinedName, span, name, candidates, hint => [name, kind, hint]);

    public void ReportUndefinedReference(TextSpan span, string name, IEnumerable<string> candidates) =>
        ReportMisspelt(UndefinedReference, span, name, candidates, hint => [name, hint]);

    public void ReportExtendedProtocolNotFound(TextSpan span, string id) => Report(ExtendedProtocolNotFound, span, id);

    public void ReportExtendsCycle(TextSpan span, IEnumerable<string> chain) => Report(ExtendsCycle, span, string.Join(" -> ", chain));

    /// <summary>A cycle found further down the extends chain, reported again at this file's <c>extends</c>.</summary>
    public void ReportExtendsCycle(TextSpan span, Diagnostic foundBelow) =>
        _items.Add(new Diagnostic(ExtendsCycle, Source, span, foundBelow.Message));

    public void ReportExtendedProtocolHasErrors(TextSpan span, string id, string path, int errorCount) =>
        Report(ExtendedProtocolHasErrors, span, id, path, errorCount);

    public void ReportExtendedProtocolIdMismatch(TextSpan span, string path, string declaredId, string expectedId) =>
        Report(ExtendedProtocolIdMismatch, span, path, declaredId, expectedId);

    public void ReportOverrideWithoutInheritedRule(TextSpan span, string id, IEnumerable<string> inherited) =>
        ReportMisspelt(OverrideWithoutInheritedRule, span, id, inherited, hint => [id, hint]);

    /// <param name="action">The rule's action as written: <c>hold</c>, <c>discontinue</c>.</param>
    public void ReportShadowsInheritedRule(TextSpan span, string id, string inheritedFrom, string action, int keywordStart) =>
        Report(ShadowsInheritedRule, span, new DiagnosticFix("Make it an override", new TextSpan(keywordStart, 0), "override "), id, inheritedFrom, action);

    public void ReportRemoveUnknownRule(TextSpan span, string id, IEnumerable<string> inherited) =>
        ReportMisspelt(RemoveUnknownRule, span, id, inherited, hint => [id, hint]);

    public void ReportUnknownFunction(TextSpan span, string name, IReadOnlyCollection<string> functions) =>
        ReportMisspelt(UnknownFunction, span, name, functions, hint => [name, string.Join(", ", functions), hint]);

    public void ReportWrongArguments(TextSpan span, string function, bool takesWindow, string signature, ArgumentProblem problem) =>
        Report(WrongArguments, span, function, takesWindow ? "an observation and a window" : "one observation", signature, problem switch
        {
            ArgumentProblem.NotAnObservationName => "; the first argument must be an observation name",
            ArgumentProblem.ConstantNotObservation => "; the first argument is a constant, not an observation",
            ArgumentProblem.NotAWindow => "; the second argument is a window like 'last 8 h'",
            _ => "",
        });

    public void ReportUndefinedEvent(TextSpan span, string name, IEnumerable<string> candidates) =>
        ReportMisspelt(UndefinedEvent, span, name, candidates, hint => [name, hint]);

    /// <param name="block">True for a second regimen block, false for a repeated item inside one.</param>
    public void ReportRegimenItemRepeated(TextSpan span, bool block) =>
        Report(RegimenItemRepeated, span, block ? "the regimen" : "this regimen item");

    public void ReportMissingRegimen(TextSpan span) => Report(MissingRegimen, span, "the protocol", "a regimen", "regimen { drug ..., dose ..., every ... }");

    public void ReportRegimenWithoutInterval(TextSpan span) => Report(MissingRegimen, span, "the regimen", "a dosing interval", "every 8 h");

    public void ReportRegimenWithoutDrug(TextSpan span) => Report(MissingRegimen, span, "the regimen", "a drug", "drug aldesleukin");

    /// <param name="problem">What breaks SemVer 2.0 in it.</param>
    public void ReportInvalidVersion(TextSpan span, string version, string problem) => Report(InvalidVersion, span, version, problem);

    /// <param name="item">The item's keyword (<c>unit</c>, <c>within</c>).</param>
    public void ReportObservationItemRepeated(TextSpan span, string item, string observation) =>
        Report(ObservationItemRepeated, span, $"'{item}'", observation);

    public void ReportLoincCodeRepeated(TextSpan span, string code, string observation) =>
        Report(ObservationItemRepeated, span, $"LOINC {code}", observation);

    public void ReportRuleWithoutCondition(TextSpan span, string rule) => Report(RuleWithoutCondition, span, rule);

    public void ReportConstantCycle(TextSpan span, string constant) => Report(ConstantCycle, span, constant);

    public void ReportExtendsNotFirst(TextSpan span) => Report(ExtendsNotFirst, span);

    /// <param name="declaration">The observation's declaration (the fix adds a line to its block).</param>
    /// <param name="usualWindow">
    /// The recency window most observations of the protocol already give, as written (<c>4 h</c>), or null. The fix
    /// offers it, not preferred: a window is the committee's choice, which no fix should make unseen.
    /// </param>
    public void ReportMissingRecency(TextSpan span, string observation, TextSpan declaration, string? usualWindow) =>
        Report(MissingRecency, span,
            usualWindow is null ? null : AddLineToBlock($"Add 'within {usualWindow}' (the window most observations here give)", declaration, $"within {usualWindow}", isPreferred: false),
            observation);

    public void ReportUndefinedFixture(TextSpan span, string name, IEnumerable<string> candidates) =>
        ReportMisspelt(UndefinedFixture, span, name, candidates, hint => [name, hint]);

    public void ReportFixtureCycle(TextSpan span, string fixture, string through) => Report(FixtureCycle, span, fixture, through);

    /// <param name="path">The file found for the target (for <see cref="ClaimProblem.DeclaresAnotherId"/> and <see cref="ClaimProblem.HasErrors"/>).</param>
    /// <param name="declaredId">The id that file declares (for <see cref="ClaimProblem.DeclaresAnotherId"/>).</param>
    public void ReportInvalidClaim(TextSpan span, string targetId, ClaimProblem problem, string? path = null, string? declaredId = null) =>
        Report(InvalidClaim, span, targetId, problem switch
        {
            ClaimProblem.Itself => "a protocol cannot be compared with itself",
            ClaimProblem.InCycle => $"'{targetId}' is being compiled on the way to this one (claims or extends form a cycle)",
            ClaimProblem.NotFound => $"'{targetId}' was not found: it is not in the extends chain, and there is no '{targetId}.il2' (or file declaring 'protocol {targetId}') next to this one",
            ClaimProblem.DeclaresAnotherId => $"'{path}' declares protocol '{declaredId}', not '{targetId}'",
            _ => $"'{path}' has errors; fix them first",
        });

    public void ReportInvalidCode(TextSpan span, string code) => Report(InvalidCode, span, code);

    public void ReportUnknownGroup(TextSpan span, string group, IEnumerable<string> groups) =>
        ReportMisspelt(UnknownGroup, span, group, groups, hint => [group, hint]);

    /// <param name="directly">True when the rule's own condition counts its group, false when it does through other counting rules.</param>
    public void ReportCountsOwnGroup(TextSpan span, string rule, bool directly) =>
        Report(CountsOwnGroup, span, rule, directly ? "" : " through other counting rules");

    public void ReportUntilOnDiscontinueRule(TextSpan span) => Report(ClauseOnWrongRule, span);

    /// <param name="clause">The clause's keyword (<c>when</c>, <c>until</c>).</param>
    public void ReportRuleClauseRepeated(TextSpan span, string clause) =>
        Report(RuleClauseRepeated, span, $"'{clause}'", clause == "when" ? "; join conditions with 'and' or 'or'" : "");

    public void ReportRuleGroupRepeated(TextSpan span, string group) => Report(RuleClauseRepeated, span, $"group '{group}'", "");

    /// <param name="declaredHere">True when the observation exists but is declared in this protocol.</param>
    public void ReportOverrideWithoutInheritedObservation(TextSpan span, string name, bool declaredHere, IEnumerable<string> inherited)
    {
        if (declaredHere)
        {
            Report(OverrideWithoutInheritedObservation, span, name, "it is declared in this protocol, not inherited", "");
            return;
        }

        ReportMisspelt(OverrideWithoutInheritedObservation, span, name, inherited, hint => [name, "no inherited observation has this name", hint]);
    }

    public void ReportRequiredOutsideOverride(TextSpan span) => Report(RequiredOutsideOverride, span);

    public void ReportDoseSlotsPerCycle(TextSpan span) => Report(DoseSlotsPerCycle, span);

    public void ReportConstantDependsOnPatient(TextSpan span) => Report(ConstantDependsOnPatient, span);

    // ------------------------------------------------------------ types and units (IL02xx)

    /// <param name="error">Why UCUM rejects the code, when no spelling is suggested.</param>
    /// <param name="suggestion">The UCUM spelling of a common unit written another way, in the dimension the value needs when that is known.</param>
    /// <param name="alternatives">Further units of that dimension to offer as fixes (the observation's own unit, near spellings).</param>
    public void ReportUnknownUnit(TextSpan span, string unit, string error, string? suggestion, IEnumerable<string>? alternatives = null)
    {
        var fixes = ImmutableArray.CreateBuilder<DiagnosticFix>();
        foreach (var code in new[] { suggestion }.Concat(alternatives ?? []).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            fixes.Add(new DiagnosticFix($"Use '{code}'", span, code, IsPreferred: fixes.Count == 0 && suggestion is not null));
        }

        Report(UnknownUnit, span, fixes.ToImmutable(), unit, suggestion is null ? $": {error}" : $"; UCUM writes it '{suggestion}'");
    }

    /// <summary>A quantity that cannot be converted to what it is used for.</summary>
    /// <param name="usedFor">What the quantity is for: <c>the range</c>, <c>a weight</c>.</param>
    /// <param name="error">Why the units do not convert (from UCUM).</param>
    public void ReportIncompatibleUnits(TextSpan span, string quantity, string usedFor, string error) =>
        Report(IncompatibleUnits, span, quantity, usedFor, error);

    /// <summary>Two operands of a comparison or sum measured in different dimensions.</summary>
    public void ReportIncompatibleOperands(TextSpan span, string left, string leftDimension, string right, string rightDimension, bool comparison) =>
        Report(IncompatibleUnits, span, right, left,
            $"{left} is a {leftDimension} and {right} a {rightDimension}, which cannot be {(comparison ? "compared" : "added")}");

    /// <summary>A number without a unit where the value is in <paramref name="unit"/>; the fix adds it.</summary>
    /// <param name="number">The number as written.</param>
    /// <param name="subject">What the number is: <c>'sbp'</c>, <c>the range</c>, <c>a weight</c>.</param>
    public void ReportMissingUnit(TextSpan span, string number, string subject, string unit) =>
        Report(MissingUnit, span, AddUnit(span, unit), number, $"{subject} is in {unit}");

    /// <summary>A number without a unit where a duration belongs; the fix adds <c>h</c>.</summary>
    public void ReportMissingDurationUnit(TextSpan span, string number, string subject) =>
        Report(MissingUnit, span, AddUnit(span, "h"), number, $"{subject} is a duration (h, min, d)");

    /// <summary>A bare number compared with or added to a value that has no unit to suggest (<paramref name="otherType"/> described).</summary>
    public void ReportMissingUnitBeside(TextSpan span, string number, string otherType) =>
        Report(MissingUnit, span, number, $"the other side is {otherType}");

    private static DiagnosticFix AddUnit(TextSpan span, string unit) => new($"Add '{unit}'", new TextSpan(span.End, 0), " " + unit);

    public void ReportMolarMassForComparison(TextSpan span, string observation, string observationUnit, string literalUnit) =>
        Report(MolarMassRequired, span, $"comparing '{observation}' ({observationUnit}) with {literalUnit}", $"'{observation}'");

    public void ReportMolarMassForLoinc(TextSpan span, string code, string name, string dimension, string observation, string unit) =>
        Report(MolarMassRequired, span, $"reading LOINC {code} ('{name}', a {dimension}) as {unit}", $"'{observation}'");

    /// <param name="usedFor">What the quantity is for: <c>the range</c>.</param>
    public void ReportMolarMassForQuantity(TextSpan span, string quantity, string usedFor, string targetUnit) =>
        Report(MolarMassRequired, span, $"using {quantity} for {usedFor} (in {targetUnit})", "the observation");

    /// <param name="operation">The operator: <c>'not'</c>, <c>'-'</c>, <c>'is yes'</c>.</param>
    /// <param name="needs">What it needs: <c>a yes/no value</c>.</param>
    /// <param name="actual">What it got, described.</param>
    private void ReportTypeMismatch(TextSpan span, string operation, string needs, string actual, string? hint = null) =>
        Report(TypeMismatch, span, operation, needs, actual, hint is null ? "" : $"; {hint}");

    public void ReportEventUsedAsValue(TextSpan span, string @event) =>
        ReportTypeMismatch(span, "a condition", "an observation or constant", $"the event '{@event}'", $"use 'time since {@event}'");

    public void ReportAggregateOverYesNo(TextSpan span, string function, string observation) =>
        ReportTypeMismatch(span, function, "a numeric observation", $"yes/no observation '{observation}'", "only count(...) works over yes/no values");

    public void ReportNotNeedsYesNo(TextSpan span, string actual) => ReportTypeMismatch(span, "'not'", "a yes/no value", actual);

    public void ReportNegationNeedsNumber(TextSpan span, string actual) => ReportTypeMismatch(span, "'-'", "a number", actual);

    public void ReportIsYesNeedsYesNo(TextSpan span, bool yes, string actual) => ReportTypeMismatch(span, yes ? "'is yes'" : "'is no'", "a yes/no observation", actual);

    /// <param name="op">The operator as written: <c>&lt;</c>, <c>+</c>.</param>
    public void ReportOperatorNeedsNumbers(TextSpan span, string op, string left, string right) =>
        ReportTypeMismatch(span, $"'{op}'", "two numbers", $"{left} with {right}", "use 'is yes' or 'is no' for yes/no observations");

    /// <param name="joiner">The joining operator when an operand of <c>and</c>/<c>or</c> is not yes/no; null for a whole condition.</param>
    public void ReportConditionNotYesNo(TextSpan span, string actual, string? joiner) =>
        Report(ConditionNotYesNo, span, joiner is null ? "a condition" : $"each side of '{joiner}'", actual, joiner is null ? "; compare it with a threshold" : "");

    public void ReportLoincKindMismatch(TextSpan span, string code, string name, bool loincIsYesNo, string observation) =>
        Report(LoincUnitMismatch, span, code, name, loincIsYesNo ? "a yes/no finding" : "a measured quantity",
            $"'{observation}' is {(loincIsYesNo ? "numeric" : "yes/no")}");

    public void ReportLoincUnitMismatch(TextSpan span, string code, string name, string dimension, string referenceUnit, string observation, string unit, string unitDimension) =>
        Report(LoincUnitMismatch, span, code, name, $"a {dimension} (like {referenceUnit})", $"'{observation}' is declared in {unit} ({unitDimension})");

    public void ReportLoincNameConflict(TextSpan span, string code, string name, string observation, string conflict) =>
        Report(LoincNameConflict, span, code, name, observation, conflict);

    public void ReportUnknownLoincCode(TextSpan span, string code) => Report(UnknownLoincCode, span, code);

    public void ReportObservationWithoutUnit(TextSpan span, string observation) => Report(ObservationWithoutUnit, span, observation);

    /// <param name="what">The quantity: <c>a recency window</c>.</param>
    /// <param name="dimension">The dimension it has instead of time.</param>
    public void ReportNotADuration(TextSpan span, string what, string dimension) => Report(ExpectedDuration, span, what, $"a duration (h, min, d), not {dimension}");

    public void ReportNegativeDuration(TextSpan span, string what) => Report(ExpectedDuration, span, what, "zero or more");

    public void ReportEmptyAggregateWindow(TextSpan span) => Report(ExpectedDuration, span, "an aggregate window", "longer than zero");

    public void ReportInvalidRange(TextSpan span, RangeProblem problem) =>
        Report(InvalidRange, span, problem switch
        {
            RangeProblem.OnYesNo => "a yes/no observation",
            RangeProblem.LowNotBelowHigh => "the range's low end",
            RangeProblem.LongestBelowShortest => "the longest interval",
            _ => "the first-dose window",
        }, problem switch
        {
            RangeProblem.OnYesNo => "have no range",
            RangeProblem.LowNotBelowHigh => "be below its high end",
            RangeProblem.LongestBelowShortest => "not be shorter than the shortest",
            _ => "end after it starts",
        });

    /// <param name="what">The count: <c>the most doses</c>.</param>
    public void ReportExpectedCount(TextSpan span, string what) => Report(ExpectedCount, span, what);

    public void ReportUnitOnYesNo(TextSpan span, string observation) => Report(UnitOnYesNo, span, observation);

    public void ReportOverrideChangesKind(TextSpan span, string observation, bool inheritedYesNo) =>
        Report(OverrideChangesUnit, span, observation, inheritedYesNo ? "as a yes/no observation" : "as a numeric observation");

    public void ReportOverrideChangesUnit(TextSpan span, string observation, string inheritedUnit) =>
        Report(OverrideChangesUnit, span, observation, $"in {inheritedUnit}, the unit its thresholds are written in");

    public void ReportMolarMassNotPositive(TextSpan span, string quantity) => Report(MolarMassNotPositive, span, quantity);

    public void ReportReportingPrecisionOnYesNo(TextSpan span, string quantity, string observation) =>
        Report(InvalidReportingPrecision, span, quantity, observation, $"'{observation}' is yes/no");

    public void ReportReportingPrecisionDimension(TextSpan span, string quantity, string dimension, string observation, string unit, string unitDimension) =>
        Report(InvalidReportingPrecision, span, quantity, observation, $"it is a {dimension}; '{observation}' is in {unit} ({unitDimension})");

    public void ReportReportingPrecisionNotPositive(TextSpan span, string quantity, string observation) =>
        Report(InvalidReportingPrecision, span, quantity, observation, "it must be positive");

    // ------------------------------------------------------------ analysis (IL03xx)

    public void ReportRuleNeverFires(TextSpan span, string rule) => Report(RuleNeverFires, span, rule);

    /// <param name="action">What the rule does: <c>hold</c>, <c>discontinue</c>.</param>
    public void ReportRuleAlwaysFires(TextSpan span, string rule, string action) => Report(RuleAlwaysFires, span, rule, action);

    public void ReportRuleSubsumed(TextSpan span, string rule, string by, bool byDiscontinues) =>
        Report(RuleSubsumed, span, rule, by, byDiscontinues ? "stops IL-2" : "holds the dose");

    public void ReportUnusedObservation(TextSpan span, string observation) => Report(UnusedObservation, span, observation);

    /// <param name="declaration">The rule's declaration (the fixes add a line to its block).</param>
    /// <param name="references">The protocol's references, in order: one fix cites each of the first few.</param>
    public void ReportRuleWithoutCitation(TextSpan span, string rule, TextSpan declaration, IReadOnlyList<string> references)
    {
        var fixes = ImmutableArray.CreateBuilder<DiagnosticFix>();
        foreach (var reference in references.Take(MaxCitationFixes))
        {
            if (AddLineToBlock($"Cite '{reference}'", declaration, $"cite {reference} \"\"", isPreferred: false) is { } cite)
            {
                fixes.Add(cite);
            }
        }

        if (AddLineToBlock("Mark it 'unverified'", declaration, "unverified \"no source checked yet\"", isPreferred: false) is { } unverified)
        {
            fixes.Add(unverified);
        }

        Report(RuleWithoutCitation, span, fixes.ToImmutable(), rule);
    }

    private const int MaxCitationFixes = 5;

    public void ReportUnusedConstant(TextSpan span, string constant) => Report(UnusedConstant, span, constant);

    public void ReportUnusedReference(TextSpan span, string reference) => Report(UnusedReference, span, reference);

    /// <param name="reasons">What the analysis could not decide, one entry per change.</param>
    public void ReportClaimUndecided(TextSpan span, string targetId, IEnumerable<string> reasons) =>
        Report(ClaimUndecided, span, targetId, string.Join("; ", reasons));

    /// <param name="reasons">The changes that make this protocol less conservative, with why.</param>
    /// <param name="counterexample">A patient dosed here whom the target would not dose, described, and the two decisions.</param>
    public void ReportClaimRefuted(TextSpan span, string targetId, string reasons, (string Patient, string Here, string There)? counterexample) =>
        Report(ClaimRefuted, span, targetId, reasons, counterexample is { } c
            ? $". Counterexample: a patient with {c.Patient} is given a dose here ({c.Here}) but '{targetId}' would {c.There}"
            : "");

    // ------------------------------------------------------------ scenarios (IL04xx)

    public void ReportScenarioWithoutExpectation(TextSpan span, string? title) => Report(ScenarioWithoutExpectation, span, title);

    public void ReportExpectationInFixture(TextSpan span) => Report(ExpectationInFixture, span);

    public void ReportExpectationRepeated(TextSpan span) => Report(ExpectationRepeated, span);

    public void ReportOverrideWithoutInheritedScenario(TextSpan span, string title, IEnumerable<string> inherited) =>
        Report(OverrideWithoutInheritedScenario, span, title, DidYouMean(title, inherited));

    public void ReportWeightNotPositive(TextSpan span) => Report(ScenarioValueMismatch, span, "the weight", "a mass", "a positive value with its unit");

    public void ReportScenarioValueNotYesNo(TextSpan span, string observation) => Report(ScenarioValueMismatch, span, $"'{observation}'", "yes/no", "'yes' or 'no'");

    public void ReportScenarioValueNotNumber(TextSpan span, string observation, string? unit) =>
        Report(ScenarioValueMismatch, span, $"'{observation}'", $"measured in {unit}", "a number with its unit");

    public void ReportScenarioExpectsUnknownRule(TextSpan span, string rule, IEnumerable<string> rules) =>
        ReportMisspelt(ScenarioExpectsRemovedRule, span, rule, rules, hint => [rule, hint]);
}
