using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using DslSymbolKind = IlTwo.Dsl.Binding.SymbolKind;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/semanticTokens/full</c>: the lexer's tokens, with names told apart by what they refer to
/// (observations are variables, constants readonly variables, rules functions...). Five integers per token, relative.
/// </summary>
internal sealed class SemanticTokensHandler(ServerContext context) : ILanguageServerHandler
{
    public static readonly IReadOnlyList<string> TokenTypes =
    [
        "keyword", "variable", "function", "string", "number", "comment", "operator", "type", "enumMember", "namespace", "event", "parameter", "class",
    ];

    public static readonly IReadOnlyList<string> TokenModifiers = ["declaration", "readonly", "defaultLibrary"];

    private const int Declaration = 1, Readonly = 2, DefaultLibrary = 4;

    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { SemanticTokensProvider = new SemanticTokensOptions(new SemanticTokensLegend(TokenTypes, TokenModifiers), Full: true) };

    [JsonRpcMethod("textDocument/semanticTokens/full")]
    public SemanticTokens Full(SemanticTokensParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var compilation = document.Compilation;
        var tokens = compilation.SyntaxTree.Tokens;
        var occurrences = new Dictionary<int, SymbolOccurrence>();
        foreach (var occurrence in compilation.Protocol.Occurrences)
        {
            occurrences.TryAdd(occurrence.Span.Start, occurrence);
        }

        var units = compilation.SyntaxTree.Root.DescendantsAndSelf().OfType<UnitSyntax>().Select(u => u.Span.Start).ToHashSet();
        var data = new List<int>(tokens.Length * 5);
        int previousLine = 0, previousStart = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (Classify(token, i) is not var (type, modifiers) || token.Span.Length == 0)
            {
                continue;
            }

            var at = document.Text.GetLinePosition(token.Span.Start);
            var deltaLine = at.Line - previousLine;
            data.Add(deltaLine);
            data.Add(deltaLine == 0 ? at.Character - previousStart : at.Character);
            data.Add(token.Span.Length);
            data.Add(TypeIndex(type));
            data.Add(modifiers);
            (previousLine, previousStart) = (at.Line, at.Character);
        }

        return new SemanticTokens(data);

        (string Type, int Modifiers)? Classify(SyntaxToken token, int index) => token.Kind switch
        {
            TokenKind.Keyword => ("keyword", 0),
            TokenKind.Comment => ("comment", 0),
            TokenKind.String => ("string", 0),
            TokenKind.Number or TokenKind.Version => ("number", 0),
            TokenKind.Operator => ("operator", 0),
            TokenKind.Unit => ("type", 0),
            TokenKind.LoincCode => ("enumMember", 0),
            TokenKind.Name when occurrences.TryGetValue(token.Span.Start, out var occurrence) => ForSymbol(occurrence),
            TokenKind.Name when units.Contains(token.Span.Start) => ("type", 0),
            TokenKind.Name when index + 1 < tokens.Length && tokens[index + 1].Text == "(" => ("function", DefaultLibrary),
            _ => null,
        };
    }

    private static (string Type, int Modifiers) ForSymbol(SymbolOccurrence occurrence)
    {
        var declared = occurrence.IsDeclaration ? Declaration : 0;
        return occurrence.Symbol.Kind switch
        {
            DslSymbolKind.Observation => ("variable", declared),
            DslSymbolKind.Constant => ("variable", declared | Readonly),
            DslSymbolKind.Rule => ("function", declared),
            DslSymbolKind.Reference => ("parameter", declared),
            DslSymbolKind.Event => ("event", declared),
            DslSymbolKind.Fixture => ("class", declared),
            DslSymbolKind.Protocol => ("namespace", declared),
            _ => ("variable", declared),
        };
    }

    private static int TypeIndex(string type)
    {
        for (var i = 0; i < TokenTypes.Count; i++)
        {
            if (TokenTypes[i] == type)
            {
                return i;
            }
        }

        return 0;
    }
}
