using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;
using Range = IlTwo.LanguageServer.Protocol.Range;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/documentSymbol</c>: the outline, protocol first with its declarations beneath.</summary>
internal sealed class DocumentSymbolHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { DocumentSymbolProvider = true };

    [JsonRpcMethod("textDocument/documentSymbol")]
    public IReadOnlyList<DocumentSymbol> DocumentSymbol(DocumentSymbolParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var root = document.Compilation.SyntaxTree.Root;
        var children = root.Declarations.Select(d => ToSymbol(document, d)).OfType<DocumentSymbol>().ToList();
        if (root.OfKind<ProtocolDeclarationSyntax>().FirstOrDefault() is not { Name.IsMissing: false } protocol)
        {
            return children;
        }

        var whole = document.ToRange(new Dsl.Text.TextSpan(0, document.Text.Length));
        return [new DocumentSymbol(protocol.Name.Text, SymbolKind.Namespace, whole, document.ToRange(protocol.Name.Span), document.Compilation.Protocol.Title, children)];
    }

    private static DocumentSymbol? ToSymbol(CompiledDocument document, DeclarationSyntax declaration)
    {
        Range Whole() => document.ToRange(declaration.Span);
        DocumentSymbol? Named(NameSyntax name, SymbolKind kind, string? detail) =>
            name.IsMissing ? null : new DocumentSymbol(name.Text, kind, Whole(), document.ToRange(name.Span), detail);

        return declaration switch
        {
            ReferenceDeclarationSyntax r => Named(r.Name, SymbolKind.Key, r.Title?.Value),
            EventDeclarationSyntax e => Named(e.Name, SymbolKind.Event, e.Title?.Value),
            RegimenDeclarationSyntax => new DocumentSymbol("regimen", SymbolKind.Struct, Whole(), document.ToRange(declaration.KeywordSpan)),
            ObservationDeclarationSyntax o => Named(o.Name, SymbolKind.Variable, o.Title?.Value),
            ConstantDeclarationSyntax c => Named(c.Name, SymbolKind.Constant, ExpressionPrinter.Print(c.Value)),
            RuleDeclarationSyntax r => Named(
                r.Name,
                r.Action == RuleAction.Discontinue ? SymbolKind.Event : SymbolKind.Function,
                $"{(r.IsOverride ? "override " : "")}{r.Action.ToString().ToLowerInvariant()}: {r.Title?.Value}"),
            RemoveRuleDeclarationSyntax r => Named(r.Name, SymbolKind.Null, "removed"),
            FixtureDeclarationSyntax f => Named(f.Name, SymbolKind.Class, f.Base is { IsMissing: false } b ? $"using {b.Text}" : null),
            ScenarioDeclarationSyntax s => new DocumentSymbol(
                s.Title?.Value is { Length: > 0 } title ? title : "scenario",
                SymbolKind.Method,
                Whole(),
                document.ToRange(s.Title?.Span ?? s.KeywordSpan),
                (s.IsOverride, s.Fixture is { IsMissing: false } f ? $"using {f.Text}" : null) switch
                {
                    (true, { } usingText) => $"override, {usingText}",
                    (true, null) => "override",
                    (false, var usingText) => usingText,
                }),
            _ => null,
        };
    }
}
