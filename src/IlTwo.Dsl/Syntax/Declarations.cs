using System.Collections.Immutable;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

public abstract record DeclarationSyntax(TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span);

public sealed record ProtocolDeclarationSyntax(NameSyntax Name, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Name];
}

public sealed record TitleDeclarationSyntax(StringLiteralSyntax? Title, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Title);
}

public sealed record VersionDeclarationSyntax(string VersionText, TextSpan VersionSpan, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

public sealed record ExtendsDeclarationSyntax(NameSyntax Name, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Name];
}

/// <summary><c>claim more conservative than hd-il2-monotherapy</c>: a claim the compiler proves (or refutes with a patient state).</summary>
public sealed record ClaimDeclarationSyntax(NameSyntax Target, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Target];
}

public sealed record ReferenceDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Title, StringLiteralSyntax? Doi, StringLiteralSyntax? Url, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Name, Title, Doi, Url);
}

/// <summary><c>event til-infusion "..." code "http://snomed.info/sct|123"</c>: <see cref="Codes"/> are <c>system|code</c> (or bare codes) FHIR input names the event by.</summary>
public sealed record EventDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Title, ImmutableArray<StringLiteralSyntax> Codes, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [.. Nodes(Name, Title), .. Codes];
}

public sealed record ConstantDeclarationSyntax(NameSyntax Name, ExpressionSyntax Value, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Name, Value];
}

// ---------------------------------------------------------------- regimen

public sealed record RegimenDeclarationSyntax(ImmutableArray<RegimenItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Items;
}

public abstract record RegimenItemSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>drug aldesleukin code "..."</c>: <see cref="Codes"/> are <c>system|code</c> (or bare codes) FHIR input names the drug by.</summary>
public sealed record DrugItemSyntax(NameSyntax Drug, ImmutableArray<StringLiteralSyntax> Codes, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Drug, .. Codes];
}

public sealed record DoseItemSyntax(QuantitySyntax Dose, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Dose];
}

public sealed record RouteItemSyntax(NameSyntax Route, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Route];
}

/// <summary><c>every 8 h</c> or <c>every 8 h to 12 h</c>.</summary>
public sealed record IntervalItemSyntax(QuantitySyntax Shortest, QuantitySyntax? Longest, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Shortest, Longest);
}

public enum DoseLimitScope
{
    Cycle,
    Course,
}

/// <summary><c>at most 14 doses per cycle</c>; <c>at most 6 dose slots per course</c> counts held slots too (<see cref="CountsSlots"/>).</summary>
public sealed record MaxDosesItemSyntax(QuantitySyntax Count, DoseLimitScope Scope, TextSpan Span) : RegimenItemSyntax(Span)
{
    /// <summary><c>dose slots</c>: the cap counts given and held dose slots; otherwise (<c>doses</c>) only doses given.</summary>
    public bool CountsSlots { get; init; }

    public override IEnumerable<SyntaxNode> Children => [Count];
}

/// <summary><c>first dose 3 h to 24 h after til-infusion</c>.</summary>
public sealed record FirstDoseWindowItemSyntax(QuantitySyntax Earliest, QuantitySyntax Latest, NameSyntax Event, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Earliest, Latest, Event];
}

public sealed record RegimenCitationItemSyntax(CitationSyntax Citation, TextSpan Span) : RegimenItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Citation];
}

// ---------------------------------------------------------------- observations

public sealed record ObservationDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Title, bool IsYesNo, ImmutableArray<ObservationItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    /// <summary><c>override observation NAME { ... }</c>: tightens an observation the protocol inherits.</summary>
    public bool IsOverride { get; init; }

    public override IEnumerable<SyntaxNode> Children => Nodes(Name, Title).Concat(Items);
}

public abstract record ObservationItemSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record LoincItemSyntax(string Code, TextSpan CodeSpan, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

public sealed record UnitItemSyntax(UnitSyntax? Unit, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Unit);
}

/// <summary><c>within 4 h</c>: how recent a value must be to count.</summary>
public sealed record WithinItemSyntax(QuantitySyntax Window, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Window];
}

/// <summary><c>range 40 mm[Hg] to 300 mm[Hg]</c>: the values the analysis assumes possible.</summary>
public sealed record RangeItemSyntax(QuantitySyntax Low, QuantitySyntax High, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Low, High];
}

public sealed record MolarMassItemSyntax(QuantitySyntax MolarMass, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [MolarMass];
}

/// <summary>
/// <c>reported to 0.1 mg/dL</c>: the precision the laboratory reports at. A value converted from another unit is rounded
/// to a multiple of it before any comparison.
/// </summary>
public sealed record ReportedToItemSyntax(QuantitySyntax Precision, TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Precision];
}

public sealed record OptionalItemSyntax(TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

/// <summary><c>required</c>: in an <c>override observation</c>, clears an inherited <c>optional</c>.</summary>
public sealed record RequiredItemSyntax(TextSpan Span) : ObservationItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

// ---------------------------------------------------------------- rules

public enum RuleAction
{
    Hold,
    Discontinue,
}

public sealed record RuleDeclarationSyntax(
    bool IsOverride,
    RuleAction Action,
    NameSyntax Name,
    StringLiteralSyntax? Title,
    ImmutableArray<ExpressionSyntax> Conditions,
    ImmutableArray<CitationSyntax> Citations,
    TextSpan KeywordSpan,
    TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    /// <summary>The course clauses (<c>until</c>, <c>persistent for</c>, <c>corrected when</c>, <c>group</c>), in source order.</summary>
    public ImmutableArray<RuleClauseSyntax> Clauses { get; init; } = [];

    public override IEnumerable<SyntaxNode> Children => Nodes(Name, Title).Concat(Conditions).Concat(Citations).Concat(Clauses).OrderBy(n => n.Span.Start);
}

/// <summary>A clause of a rule that says how it acts over the course.</summary>
public abstract record RuleClauseSyntax(TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>until spo2 &gt; 90 %</c>: once the rule has held, doses stay held until a later value meets this.</summary>
public sealed record UntilClauseSyntax(ExpressionSyntax Condition, TextSpan KeywordSpan, TextSpan Span) : RuleClauseSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Condition];
}

/// <summary><c>persistent for 2 h</c>: the condition must hold at every charted value of its inputs in the window.</summary>
public sealed record PersistenceClauseSyntax(QuantitySyntax Duration, TextSpan KeywordSpan, TextSpan Span) : RuleClauseSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Duration];
}

/// <summary><c>corrected when temperature &lt; 38.1 Cel</c>: the data must show the correction before the rule acts.</summary>
public sealed record CorrectionClauseSyntax(ExpressionSyntax Condition, TextSpan KeywordSpan, TextSpan Span) : RuleClauseSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => [Condition];
}

/// <summary><c>group relative</c> or <c>group relative, renal</c>: the groups a rule belongs to (for <c>at least N of GROUP</c>).</summary>
public sealed record GroupClauseSyntax(ImmutableArray<NameSyntax> Groups, TextSpan KeywordSpan, TextSpan Span) : RuleClauseSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Groups;
}

public sealed record RemoveRuleDeclarationSyntax(NameSyntax Name, StringLiteralSyntax? Reason, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Name, Reason);
}

public abstract record CitationSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>cite dutcher-2014 "Table 3, renal"</c>.</summary>
public sealed record CiteSyntax(NameSyntax Reference, StringLiteralSyntax? Locator, TextSpan Span) : CitationSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Reference, Locator);
}

/// <summary><c>unverified "why"</c>: the rule rests on a fact nobody has checked against its source.</summary>
public sealed record UnverifiedSyntax(StringLiteralSyntax? Note, TextSpan Span) : CitationSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Note);
}

// ---------------------------------------------------------------- scenarios

public sealed record ScenarioDeclarationSyntax(StringLiteralSyntax? Title, NameSyntax? Fixture, ImmutableArray<ScenarioItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    /// <summary><c>override scenario "TITLE"</c>: replaces the expectation of the base scenario of that title when the base's scenarios run against this protocol.</summary>
    public bool IsOverride { get; init; }

    /// <summary>The <c>because "why"</c> of an override.</summary>
    public StringLiteralSyntax? Reason { get; init; }

    public override IEnumerable<SyntaxNode> Children => Nodes(Title, Fixture, Reason).Concat(Items);
}

/// <summary>A named patient state that scenarios start from; a scenario's own items replace the fixture's.</summary>
public sealed record FixtureDeclarationSyntax(NameSyntax Name, NameSyntax? Base, ImmutableArray<ScenarioItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(KeywordSpan, Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Name, Base).Concat(Items);
}

public abstract record ScenarioItemSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record ScenarioWeightSyntax(QuantitySyntax Weight, TextSpan Span) : ScenarioItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Weight];
}

public sealed record ScenarioEventSyntax(NameSyntax Event, QuantitySyntax Ago, TextSpan Span) : ScenarioItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Event, Ago];
}

public sealed record ScenarioDoseSyntax(bool Given, QuantitySyntax Ago, TextSpan Span) : ScenarioItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Ago];
}

/// <summary><c>sbp 84 mm[Hg] 1 h ago</c> or <c>confusion yes 2 h ago</c>.</summary>
public sealed record ScenarioObservationSyntax(NameSyntax Observation, QuantitySyntax? Value, bool? Flag, TextSpan ValueSpan, QuantitySyntax Ago, TextSpan Span) : ScenarioItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Observation, Value, Ago);
}

public enum ExpectedAction
{
    Give,
    Hold,
    Discontinue,
}

public sealed record ScenarioExpectSyntax(ExpectedAction Action, bool HasBecause, ImmutableArray<NameSyntax> Rules, TextSpan Span) : ScenarioItemSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Rules;
}
