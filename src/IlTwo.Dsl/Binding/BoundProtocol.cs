using System.Collections.Immutable;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Binding;

/// <summary>
/// One protocol after binding: its own declarations merged with everything it inherits. The effective
/// observations, rules and regimen are what the engine runs; <see cref="Base"/> keeps the inherited protocol.
/// </summary>
public sealed class BoundProtocol
{
    internal BoundProtocol(SyntaxTree tree, BoundProtocol? @base)
    {
        Tree = tree;
        Base = @base;
    }

    public SyntaxTree Tree { get; }

    public BoundProtocol? Base { get; }

    public string Id { get; internal set; } = "";

    public string? Title { get; internal set; }

    public string? Version { get; internal set; }

    public ImmutableArray<ReferenceSymbol> References { get; internal set; } = [];

    /// <summary>This file's <c>claim more conservative than ...</c> declarations (claims are not inherited; the compilation checks them).</summary>
    public ImmutableArray<ClaimSymbol> Claims { get; internal set; } = [];

    public ImmutableArray<EventSymbol> Events { get; internal set; } = [];

    public ImmutableArray<ObservationSymbol> Observations { get; internal set; } = [];

    public ImmutableArray<ConstantSymbol> Constants { get; internal set; } = [];

    /// <summary>The rules that run, in order: inherited ones first (overrides in the place of the rule they replace), then new ones.</summary>
    public ImmutableArray<RuleSymbol> Rules { get; internal set; } = [];

    public ImmutableArray<RemovedRule> RemovedRules { get; internal set; } = [];

    public BoundRegimen Regimen { get; internal set; } = new();

    public ImmutableArray<FixtureSymbol> Fixtures { get; internal set; } = [];

    /// <summary>This file's scenarios, its <c>override scenario</c>s among them.</summary>
    public ImmutableArray<BoundScenario> Scenarios { get; internal set; } = [];

    /// <summary>
    /// The scenarios of the protocols this one extends that run against it too (<c>il2 test</c> reports each whose
    /// outcome changes): every scenario up the chain, the nearest file's version of each title, minus the ones this file
    /// overrides (its own <c>override scenario</c> runs instead).
    /// </summary>
    public IEnumerable<BoundScenario> InheritedScenarios =>
        Base is null ? [] : Base.AllScenarios.Where(s => !Scenarios.Any(o => o.IsOverride && o.Title == s.Title));

    /// <summary>This file's scenarios followed by the inherited ones.</summary>
    public IEnumerable<BoundScenario> AllScenarios => Scenarios.Concat(InheritedScenarios);

    /// <summary>Every place in this file where a name refers to a symbol, declarations included (for go-to-definition, references, rename).</summary>
    public ImmutableArray<SymbolOccurrence> Occurrences { get; internal set; } = [];

    /// <summary>What binding each of <see cref="Tree"/>'s declarations gave (observations, rules and scenarios, by declaration index), for the next version's binder.</summary>
    internal DeclarationRecord?[]? Records { get; set; }

    /// <summary>How many observations, rules and scenarios were translated from the previous version's binding instead of bound again.</summary>
    internal int ReusedDeclarations { get; set; }

    /// <summary>The protocol ids from this one up to the root base.</summary>
    public IEnumerable<BoundProtocol> Lineage
    {
        get
        {
            for (var p = this; p is not null; p = p.Base)
            {
                yield return p;
            }
        }
    }

    public ObservationSymbol? FindObservation(string name) => Observations.FirstOrDefault(o => o.Name == name);

    public RuleSymbol? FindRule(string id) => Rules.FirstOrDefault(r => r.Name == id);
}

/// <summary>A name in the source that refers to (or declares) a symbol.</summary>
public readonly record struct SymbolOccurrence(TextSpan Span, Symbol Symbol, bool IsDeclaration);

public sealed record ScenarioObservationValue(ObservationSymbol Observation, double? Value, string? Unit, bool? Flag, double AgoSeconds, TextSpan Span);

public sealed record ScenarioTimedEvent(string Type, double AgoSeconds);

public sealed record ScenarioDose(bool Given, double AgoSeconds);

/// <summary>A scenario with its fixture applied: the patient state, relative to the moment of evaluation, and what it expects.</summary>
public sealed record BoundScenario(
    string Title,
    ScenarioDeclarationSyntax Syntax,
    (double Value, string Unit)? Weight,
    ImmutableArray<ScenarioTimedEvent> Events,
    ImmutableArray<ScenarioDose> Doses,
    ImmutableArray<ScenarioObservationValue> Observations,
    ExpectedAction? ExpectedAction,
    ImmutableArray<RuleSymbol>? ExpectedRules)
{
    /// <summary>The protocol whose file declares the scenario.</summary>
    public string ProtocolId { get; init; } = "";

    /// <summary><c>override scenario</c>: the base scenario of the same title whose expectation this one replaces.</summary>
    public BoundScenario? Overrides { get; init; }

    public bool IsOverride => Syntax.IsOverride;

    /// <summary>The <c>because "why"</c> of an override, or null.</summary>
    public string? Reason => Syntax.Reason?.Value;
}
