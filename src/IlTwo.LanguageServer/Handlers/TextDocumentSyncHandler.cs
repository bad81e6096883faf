using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>didOpen / didChange (incremental) / didClose: keeps the document store current and schedules diagnostics (of the documents that extend it too).</summary>
internal sealed class TextDocumentSyncHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { TextDocumentSync = new TextDocumentSyncOptions(OpenClose: true, Change: TextDocumentSyncKind.Incremental) };

    [JsonRpcMethod("textDocument/didOpen")]
    public void DidOpen(DidOpenTextDocumentParams notification)
    {
        var document = context.Documents.Open(notification.TextDocument);
        context.Diagnostics.Schedule(document.Uri);
        RepublishDependents(document.Uri);
    }

    [JsonRpcMethod("textDocument/didChange")]
    public void DidChange(DidChangeTextDocumentParams notification)
    {
        try
        {
            var document = context.Documents.Change(notification.TextDocument, notification.ContentChanges);
            context.Diagnostics.Schedule(document.Uri);
            RepublishDependents(document.Uri);
        }
        catch (DocumentNotOpenException ex)
        {
            // A notification has no answer: say so in the log and carry on.
            context.Log.Warning(ex.Message);
        }
    }

    [JsonRpcMethod("textDocument/didClose")]
    public async Task DidClose(DidCloseTextDocumentParams notification)
    {
        if (!context.Documents.Close(notification.TextDocument.Uri))
        {
            context.Log.Warning($"didClose for '{notification.TextDocument.Uri.OriginalString}', which is not open.");
        }

        await context.Diagnostics.ClearAsync(notification.TextDocument.Uri).ConfigureAwait(false);
        RepublishDependents(notification.TextDocument.Uri);
    }

    /// <summary>Open documents that extend the one that changed are compiled again and get fresh diagnostics.</summary>
    private void RepublishDependents(Uri changed)
    {
        foreach (var dependent in context.Workspace.Invalidate(changed))
        {
            context.Diagnostics.Schedule(dependent);
        }
    }
}
