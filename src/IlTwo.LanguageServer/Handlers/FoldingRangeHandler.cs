using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/foldingRange</c>: every declaration spanning lines, and runs of two or more comment lines.</summary>
internal sealed class FoldingRangeHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { FoldingRangeProvider = true };

    [JsonRpcMethod("textDocument/foldingRange")]
    public IReadOnlyList<FoldingRange> FoldingRange(FoldingRangeParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var text = document.Text;
        var ranges = new List<FoldingRange>();
        foreach (var declaration in document.Compilation.SyntaxTree.Root.Declarations)
        {
            var start = text.GetLinePosition(declaration.Span.Start).Line;
            var endPosition = text.GetLinePosition(declaration.Span.End);
            var end = endPosition.Line;

            // A closing brace alone on its line stays visible.
            if (declaration.Span.Length > 0 && text.Text[declaration.Span.End - 1] == '}' && text.GetLineText(end).Trim() == "}")
            {
                end--;
            }

            if (end > start)
            {
                ranges.Add(new FoldingRange(start, end));
            }
        }

        int? runStart = null, runEnd = null;
        foreach (var token in document.Compilation.SyntaxTree.Tokens)
        {
            if (token.Kind != TokenKind.Comment)
            {
                continue;
            }

            var line = text.GetLinePosition(token.Span.Start).Line;
            var alone = text.GetLineText(line).TrimStart().StartsWith("//", StringComparison.Ordinal);
            if (alone && runEnd == line - 1)
            {
                runEnd = line;
                continue;
            }

            AddRun();
            (runStart, runEnd) = alone ? (line, line) : ((int?)null, (int?)null);
        }

        AddRun();
        return [.. ranges.OrderBy(r => r.StartLine)];

        void AddRun()
        {
            if (runStart is int s && runEnd is int e && e > s)
            {
                ranges.Add(new FoldingRange(s, e, Kind: FoldingRangeKind.Comment));
            }
        }
    }
}
