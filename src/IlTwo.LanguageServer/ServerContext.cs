using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Lifecycle;
using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Workspace;

namespace IlTwo.LanguageServer;

/// <summary>The shared state every handler is built with: one per connection.</summary>
public sealed class ServerContext
{
    internal ServerContext(DocumentStore documents, ProtocolWorkspace workspace, DiagnosticsScheduler diagnostics, ServerLifecycle lifecycle, ILanguageClient client, ServerLog log)
    {
        Documents = documents;
        Workspace = workspace;
        Diagnostics = diagnostics;
        Lifecycle = lifecycle;
        Client = client;
        Log = log;
    }

    public DocumentStore Documents { get; }

    /// <summary>The compilations every handler reads (never parse again in a handler).</summary>
    public ProtocolWorkspace Workspace { get; }

    public DiagnosticsScheduler Diagnostics { get; }

    public ServerLifecycle Lifecycle { get; }

    public ILanguageClient Client { get; }

    public ServerLog Log { get; }

    /// <summary>Every handler registered on this connection (the initialize handler builds the capabilities from them).</summary>
    public IReadOnlyList<ILanguageServerHandler> Handlers { get; internal set; } = [];
}
