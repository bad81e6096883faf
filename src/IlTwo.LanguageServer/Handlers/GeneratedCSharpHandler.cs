using IlTwo.Dsl.Emit;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>il2/generatedCSharp</c> (custom): the generated C# of the document's protocol, for the extension's preview.</summary>
internal sealed class GeneratedCSharpHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("il2/generatedCSharp")]
    public async Task<GeneratedCSharpResult> GeneratedCSharp(Il2DocumentParams request, CancellationToken cancellationToken)
    {
        var compilation = context.Workspace.GetCompilation(request.TextDocument.Uri);
        var result = await Task.Run(() => ProtocolCompiler.Compile(compilation), cancellationToken).ConfigureAwait(false);
        var code = result.Errors.IsEmpty || result.GeneratedCode.Length > 0 ? result.GeneratedCode : null;
        return new GeneratedCSharpResult(code is { Length: > 0 } ? code : null, result.Errors);
    }
}
