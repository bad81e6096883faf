namespace IlTwo.LanguageServer.Protocol;

/// <summary>Params of the il2/* requests the VS Code extension sends.</summary>
public sealed record Il2DocumentParams(TextDocumentIdentifier TextDocument);

/// <summary><c>il2/generatedCSharp</c>: the C# the protocol compiles to; null with the error lines when it has errors.</summary>
public sealed record GeneratedCSharpResult(string? Code, IReadOnlyList<string> Diagnostics);

/// <param name="Expected">What the scenario expects (<c>hold because creatinine-high</c>); null without an expectation or when not run.</param>
/// <param name="Actual">What the protocol decided, in the same words; null when not run.</param>
public sealed record ScenarioRunResult(string Title, bool Passed, string Message, Range Range, string? Expected = null, string? Actual = null);

/// <summary>
/// A scenario of a protocol the document extends, run against the document: <c>unchanged</c>, <c>stricter</c> (a note:
/// expected of an extension) or <c>changed</c> (a failure unless the document overrides it); at its title in its own file.
/// </summary>
public sealed record InheritedScenarioRunResult(string Title, string Protocol, Uri Uri, Range Range, string Outcome, bool Passed, string Expected, string Actual);

/// <summary><c>il2/runScenarios</c>: every scenario of the document, run by the interpreter, and the inherited ones.</summary>
public sealed record RunScenariosResult(IReadOnlyList<ScenarioRunResult> Results, IReadOnlyList<InheritedScenarioRunResult>? Inherited = null);

/// <summary><c>il2/compareWithRevision</c> params: the open document and the git revision holding the committee's version.</summary>
public sealed record CompareWithRevisionParams(TextDocumentIdentifier TextDocument, string Revision);

/// <summary>The semantic diff as Markdown (committee-packet text) and its one-line verdict, or the reason there is none.</summary>
public sealed record CompareWithRevisionResult(string? Markdown, string? Verdict, string? Error);
