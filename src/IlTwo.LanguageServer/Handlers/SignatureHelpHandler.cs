using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/signatureHelp</c>: inside <c>sum(</c>, <c>baseline(</c>... the signature, with the argument the cursor is in.</summary>
internal sealed class SignatureHelpHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { SignatureHelpProvider = new SignatureHelpOptions(["(", ","], [","]) };

    [JsonRpcMethod("textDocument/signatureHelp")]
    public SignatureHelp? SignatureHelp(SignatureHelpParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var tokens = document.Compilation.SyntaxTree.Tokens;
        var offset = document.ToOffset(request.Position);

        // Walk back from the cursor to the unclosed '(' of a call, counting the commas at its level.
        int depth = 0, commas = 0;
        for (var i = LastTokenBefore(tokens, offset); i >= 0; i--)
        {
            var text = tokens[i].Text;
            if (tokens[i].Kind == TokenKind.Comment)
            {
                continue;
            }

            if (text == ")")
            {
                depth++;
            }
            else if (text == "(" && depth > 0)
            {
                depth--;
            }
            else if (text == "(")
            {
                return i > 0 && Binder.Functions.TryGetValue(tokens[i - 1].Text, out var function) ? Describe(function, commas) : null;
            }
            else if (text == "," && depth == 0)
            {
                commas++;
            }
            else if (depth == 0 && text is "{" or "}" or "when" or "cite")
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The last token that ends at or before <paramref name="offset"/>.</summary>
    internal static int LastTokenBefore(IReadOnlyList<SyntaxToken> tokens, int offset)
    {
        int lo = 0, hi = tokens.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (tokens[mid].Span.End <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    internal static IReadOnlyList<string> Parameters(FunctionSignature function)
    {
        var open = function.Signature.IndexOf('(', StringComparison.Ordinal);
        var close = function.Signature.LastIndexOf(')');
        return [.. function.Signature[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    private static SignatureHelp Describe(FunctionSignature function, int commas)
    {
        var parameters = Parameters(function);
        var signature = new SignatureInformation(
            function.Signature,
            new MarkupContent(MarkupKind.Markdown, function.Documentation),
            [.. parameters.Select(p => new ParameterInformation(p))]);
        return new SignatureHelp([signature], 0, Math.Min(commas, Math.Max(0, parameters.Count - 1)));
    }
}
