using System.Text.RegularExpressions;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Features;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using DslSymbolKind = IlTwo.Dsl.Binding.SymbolKind;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/prepareRename</c> and <c>textDocument/rename</c>: one name, renamed in every file of the chain that mentions it.</summary>
internal sealed partial class RenameHandler(ServerContext context) : ILanguageServerHandler
{
    private static readonly HashSet<string> Keywords = [.. TokenClassifier.Keywords];

    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { RenameProvider = new RenameOptions(PrepareProvider: true) };

    [JsonRpcMethod("textDocument/prepareRename")]
    public PrepareRenameResult? PrepareRename(PrepareRenameParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        if (SymbolSearch.OccurrenceAt(document.Compilation, document.ToOffset(request.Position)) is not { } occurrence)
        {
            return null;
        }

        if (occurrence.Symbol.Kind == DslSymbolKind.Protocol)
        {
            throw Refuse("A protocol id is not renamed here: it names the file other protocols extend.");
        }

        return new PrepareRenameResult(document.ToRange(occurrence.Span), occurrence.Symbol.Name);
    }

    [JsonRpcMethod("textDocument/rename")]
    public WorkspaceEdit? Rename(RenameParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        if (SymbolSearch.OccurrenceAt(document.Compilation, document.ToOffset(request.Position)) is not { } occurrence)
        {
            return null;
        }

        if (occurrence.Symbol.Kind == DslSymbolKind.Protocol)
        {
            throw Refuse("A protocol id is not renamed here: it names the file other protocols extend.");
        }

        if (ValidationError(request.NewName) is { } error)
        {
            throw Refuse(error);
        }

        var changes = SymbolSearch.FindOccurrences(context.Workspace, document, occurrence.Symbol, includeDeclaration: true)
            .GroupBy(location => location.Uri.OriginalString, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyList<TextEdit>)[.. group.Select(location => new TextEdit(location.Range, request.NewName)).Distinct()],
                StringComparer.Ordinal);
        return new WorkspaceEdit(changes);
    }

    /// <summary>Why <paramref name="name"/> cannot be a name, or null when it can.</summary>
    internal static string? ValidationError(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            return $"'{name}' is not a valid name: a name starts with a letter and has letters, digits and '_', in parts joined by single '-' (like 'sbp-below-90').";
        }

        if (Keywords.Contains(name))
        {
            return $"'{name}' is a keyword of the language and cannot be a name.";
        }

        return null;
    }

    private static LocalRpcException Refuse(string message) => new(message) { ErrorCode = ErrorCodes.InvalidParams };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*$")]
    private static partial Regex NamePattern();
}
