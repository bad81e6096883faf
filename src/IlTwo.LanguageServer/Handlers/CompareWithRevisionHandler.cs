using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Rendering;
using IlTwo.Dsl.Revisions;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>il2/compareWithRevision</c> (custom): the semantic diff between the committee's version of the document (read from
/// git at a revision, with the protocols it extends from the same revision) and the text in the editor — what
/// <c>il2 diff REV:path path</c> prints, for the extension's "Compare with Committee Version".
/// </summary>
internal sealed class CompareWithRevisionHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("il2/compareWithRevision")]
    public async Task<CompareWithRevisionResult> Compare(CompareWithRevisionParams request, CancellationToken cancellationToken)
    {
        var current = context.Workspace.GetCompilation(request.TextDocument.Uri);
        var path = ProtocolWorkspace.PathOf(request.TextDocument.Uri);
        var folder = Path.GetDirectoryName(path);
        if (string.IsNullOrWhiteSpace(request.Revision) || folder is null || !Directory.Exists(folder))
        {
            return new CompareWithRevisionResult(null, null, "the document is not a file in a git working tree, or no revision was given");
        }

        if (current.Chain.Any(c => c.HasErrors))
        {
            return new CompareWithRevisionResult(null, null, "the protocol has errors; fix them before comparing");
        }

        return await Task.Run(() =>
        {
            try
            {
                var source = ProtocolRevisions.Open(request.Revision.Trim(), folder);
                var old = ProtocolCompilation.Create(source.Read(Path.GetFileName(path)), source);
                if (old.Chain.Any(c => c.HasErrors))
                {
                    return new CompareWithRevisionResult(null, null, $"the version at {request.Revision} has errors and cannot be compared");
                }

                var diff = ProtocolComparer.Compare(old, current, $"{request.Revision}:{Path.GetFileName(path)}", Path.GetFileName(path));
                var markdown = DiffFormatter.Markdown(diff);
                return new CompareWithRevisionResult(markdown, DiffFormatter.Text(diff).Split('\n')[0], null);
            }
            catch (ProtocolSourceException e)
            {
                return new CompareWithRevisionResult(null, null, e.Message);
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
