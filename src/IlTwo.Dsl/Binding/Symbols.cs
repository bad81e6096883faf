using System.Collections.Immutable;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Binding;

public enum SymbolKind
{
    Protocol,
    Reference,
    Event,
    Observation,
    Constant,
    Rule,
    Fixture,
}

/// <summary>Where a symbol is declared: the file and the span of its name.</summary>
public readonly record struct SymbolLocation(SourceText Source, TextSpan Span);

/// <summary>A declared thing a name can refer to. Built by the binder; immutable once the binder returns.</summary>
public abstract class Symbol(string name, SymbolLocation location, string protocolId)
{
    public string Name { get; } = name;

    public SymbolLocation Location { get; } = location;

    /// <summary>The id of the protocol that declares it.</summary>
    public string ProtocolId { get; } = protocolId;

    public abstract SymbolKind Kind { get; }

    public override string ToString() => $"{Kind} {Name}";
}

public sealed class ReferenceSymbol(string name, SymbolLocation location, string protocolId, string title, string? doi, string? url)
    : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Reference;

    public string Title { get; } = title;

    public string? Doi { get; } = doi;

    public string? Url { get; } = url;
}

public sealed class EventSymbol(string name, SymbolLocation location, string protocolId, string? title, ImmutableArray<string> codes) : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Event;

    public string? Title { get; } = title;

    /// <summary>Declared codes (<c>system|code</c>, or a bare code for any system) FHIR input names this event by.</summary>
    public ImmutableArray<string> Codes { get; } = codes;
}

/// <summary>An observation window: what a rule may read, in which unit, and how recent it must be.</summary>
public sealed class ObservationSymbol(string name, SymbolLocation location, string protocolId) : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Observation;

    public string? Title { get; internal set; }

    public bool IsYesNo { get; internal set; }

    public UcumUnit? Unit { get; internal set; }

    public ImmutableArray<string> LoincCodes { get; internal set; } = [];

    /// <summary>Seconds; null when the declaration has no valid <c>within</c> (an error).</summary>
    public double? RecencySeconds { get; internal set; }

    /// <summary>The plausible range in canonical base units, for analysis.</summary>
    public (double Low, double High)? Range { get; internal set; }

    /// <summary>g/mol.</summary>
    public double? MolarMass { get; internal set; }

    /// <summary>
    /// <c>reported to</c>: the laboratory's reporting precision in the declared unit (null when not declared). A value
    /// converted from another unit is rounded half away from zero to a multiple of it before any comparison.
    /// </summary>
    public double? ReportedTo { get; internal set; }

    public bool IsOptional { get; internal set; }

    public ObservationDeclarationSyntax? Syntax { get; internal set; }

    /// <summary>The inherited observation this <c>override observation</c> tightens, if it is one.</summary>
    public ObservationSymbol? Overrides { get; internal set; }

    /// <summary>The observation as first declared, up the override chain: an override and what it overrides are one observation.</summary>
    public ObservationSymbol Root => Overrides?.Root ?? this;

    /// <summary>
    /// An override and the observation it overrides are the same observation (inherited rules read the base's symbol,
    /// the protocol lists the override): equal, so every lookup by symbol finds the effective declaration.
    /// </summary>
    public override bool Equals(object? obj) => obj is ObservationSymbol other && ReferenceEquals(Root, other.Root);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Root);

    public BoundType Type => IsYesNo ? BoundType.YesNo : Unit is null ? BoundType.Error : new QuantityType(Unit.Dimension);
}

public sealed class ConstantSymbol(string name, SymbolLocation location, string protocolId, ConstantDeclarationSyntax syntax) : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Constant;

    public ConstantDeclarationSyntax Syntax { get; } = syntax;

    public BoundExpression? Value { get; internal set; }

    public BoundType Type => Value?.Type ?? BoundType.Error;
}

public sealed record BoundCitation(ReferenceSymbol? Reference, string? Locator, bool Unverified, string? Note, TextSpan Span);

public sealed class RuleSymbol(string name, SymbolLocation location, string protocolId, RuleDeclarationSyntax syntax) : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Rule;

    public RuleDeclarationSyntax Syntax { get; } = syntax;

    public string Title => Syntax.Title?.Value ?? Name;

    public RuleAction Action => Syntax.Action;

    public BoundExpression Condition { get; internal set; } = new BoundErrorExpression(null);

    public ImmutableArray<BoundCitation> Citations { get; internal set; } = [];

    /// <summary>The inherited rule this one overrides, if it is an override.</summary>
    public RuleSymbol? Overrides { get; internal set; }

    /// <summary>The groups the rule belongs to (<c>group relative</c>), for <c>at least N of GROUP</c>.</summary>
    public ImmutableArray<string> Groups { get; internal set; } = [];

    /// <summary><c>until C</c> (hold rules): once the rule has held, doses stay held until C is true on later values.</summary>
    public BoundExpression? Until { get; internal set; }

    /// <summary><c>persistent for D</c>, in seconds: the condition must hold at every charted value of its inputs in D.</summary>
    public double? PersistenceSeconds { get; internal set; }

    /// <summary><c>corrected when C</c>: the rule acts only when C is true; otherwise it holds with "reassess".</summary>
    public BoundExpression? Correction { get; internal set; }
}

public sealed class FixtureSymbol(string name, SymbolLocation location, string protocolId, FixtureDeclarationSyntax syntax) : Symbol(name, location, protocolId)
{
    public override SymbolKind Kind => SymbolKind.Fixture;

    public FixtureDeclarationSyntax Syntax { get; } = syntax;
}

public sealed record BoundFirstDoseWindow(double EarliestSeconds, double LatestSeconds, EventSymbol Event);

/// <summary>The regimen after inheritance: a child's items replace the base's items of the same kind.</summary>
public sealed record BoundRegimen
{
    public string? Drug { get; init; }

    /// <summary>Declared codes (<c>system|code</c>, or a bare code for any system) FHIR input names the drug by.</summary>
    public ImmutableArray<string> DrugCodes { get; init; } = [];
    public double? DoseValue { get; init; }
    public string? DoseUnit { get; init; }
    public string? Route { get; init; }
    public double? MinIntervalSeconds { get; init; }
    public double? MaxIntervalSeconds { get; init; }
    public int? MaxDosesPerCycle { get; init; }
    public int? MaxDosesPerCourse { get; init; }

    /// <summary>The course cap counts dose slots (given and held) rather than doses given.</summary>
    public bool CourseCapCountsSlots { get; init; }
    public BoundFirstDoseWindow? FirstDose { get; init; }
    public ImmutableArray<BoundCitation> Citations { get; init; } = [];
}

/// <summary>
/// <c>claim more conservative than NAME</c>: this protocol holds or stops IL-2 in at least every situation protocol
/// <see cref="TargetId"/> does. <see cref="Target"/> is set when NAME is in the extends chain; otherwise the
/// compilation resolves it by id. The claim is checked by <c>Analysis.Comparison.ProtocolComparer</c>, not assumed.
/// </summary>
public sealed record ClaimSymbol(string TargetId, BoundProtocol? Target, TextSpan NameSpan, TextSpan Span);

/// <summary>A removed inherited rule, with the reason the protocol gives.</summary>
public sealed record RemovedRule(RuleSymbol Rule, string? Reason, TextSpan Span);
