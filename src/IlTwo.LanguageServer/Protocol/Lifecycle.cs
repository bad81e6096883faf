using System.Text.Json;

namespace IlTwo.LanguageServer.Protocol;

public sealed record WorkspaceFolder(Uri Uri, string Name);

/// <summary>The fields of <c>initialize</c> that the server reads; client capabilities stay raw until a feature needs one.</summary>
public sealed record InitializeParams(
    int? ProcessId = null,
    Uri? RootUri = null,
    JsonElement? Capabilities = null,
    string? Trace = null,
    IReadOnlyList<WorkspaceFolder>? WorkspaceFolders = null,
    JsonElement? InitializationOptions = null);

public sealed record ServerInfo(string Name, string? Version = null);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo? ServerInfo = null);

public sealed record InitializedParams;

/// <summary>
/// What the server advertises. Every member is null until a registered handler sets it
/// (see <c>ILanguageServerHandler.Advertise</c>), so nothing unimplemented is ever announced.
/// </summary>
public sealed record ServerCapabilities
{
    public TextDocumentSyncOptions? TextDocumentSync { get; init; }

    public bool? HoverProvider { get; init; }

    public CompletionOptions? CompletionProvider { get; init; }

    public SignatureHelpOptions? SignatureHelpProvider { get; init; }

    public bool? DefinitionProvider { get; init; }

    public bool? ReferencesProvider { get; init; }

    public bool? DocumentSymbolProvider { get; init; }

    public CodeActionOptions? CodeActionProvider { get; init; }

    public bool? DocumentFormattingProvider { get; init; }

    public RenameOptions? RenameProvider { get; init; }

    public bool? FoldingRangeProvider { get; init; }

    public SemanticTokensOptions? SemanticTokensProvider { get; init; }

    public bool? InlayHintProvider { get; init; }

    public CodeLensOptions? CodeLensProvider { get; init; }
}

public sealed record CompletionOptions(IReadOnlyList<string>? TriggerCharacters = null, bool? ResolveProvider = null);

public sealed record SignatureHelpOptions(IReadOnlyList<string>? TriggerCharacters = null, IReadOnlyList<string>? RetriggerCharacters = null);

public sealed record CodeActionOptions(IReadOnlyList<string>? CodeActionKinds = null);

public sealed record RenameOptions(bool? PrepareProvider = null);

public sealed record SemanticTokensLegend(IReadOnlyList<string> TokenTypes, IReadOnlyList<string> TokenModifiers);

public sealed record SemanticTokensOptions(SemanticTokensLegend Legend, bool? Full = null, bool? Range = null);
