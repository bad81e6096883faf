using System.Text.Json.Serialization;

namespace IlTwo.LanguageServer.Protocol;

public sealed record CodeLensParams(TextDocumentIdentifier TextDocument);

public sealed record CodeLensOptions(bool? ResolveProvider = null);

/// <summary>LSP <c>Command</c>: a client-side command id (the extension registers it) and its arguments.</summary>
public sealed record LspCommand(string Title, [property: JsonPropertyName("command")] string Name, IReadOnlyList<object>? Arguments = null);

/// <summary>LSP <c>CodeLens</c>, resolved (the command is always given).</summary>
public sealed record CodeLens(Range Range, LspCommand Command);

/// <summary>The argument of <c>il2.showRuleEvaluation</c>: one rule's own value on each scenario of the file.</summary>
public sealed record RuleEvaluation(string Rule, Uri Uri, IReadOnlyList<RuleScenarioValue> Scenarios);

/// <summary>The rule on one scenario: <c>fires</c>, <c>does not fire</c> or <c>unknown</c>, with the values it read.</summary>
public sealed record RuleScenarioValue(string Scenario, Range Range, string Value, string Values);
