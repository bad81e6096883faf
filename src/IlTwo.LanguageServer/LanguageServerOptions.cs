using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Workspace;

namespace IlTwo.LanguageServer;

public sealed class LanguageServerOptions
{
    /// <summary>
    /// A fixed wait after a document's last change before its diagnostics are computed (tests use zero); null, the default,
    /// adapts the wait to how long the document's recent compiles took (<see cref="Debounce"/>).
    /// </summary>
    public TimeSpan? DiagnosticsDelay { get; init; }

    /// <summary>The adaptive wait used when <see cref="DiagnosticsDelay"/> is null.</summary>
    public DebouncePolicy Debounce { get; init; } = new();

    /// <summary>Where diagnostics come from; null (the default) means the full front end, through the shared <see cref="ProtocolWorkspace"/>.</summary>
    public IDocumentAnalyzer? Analyzer { get; init; }

    /// <summary>Where log lines go besides <c>window/logMessage</c>: stderr by default, never stdout.</summary>
    public TextWriter Log { get; init; } = Console.Error;

    /// <summary>
    /// Where the diagnostic pages (docs/diagnostics/IL####.md) are published, as a folder URI; each published diagnostic of
    /// a catalogue code then links its page in <c>codeDescription.href</c>. The default is none (no links): the project
    /// declares no public repository URL to point at. A client overrides it with
    /// <c>initializationOptions.diagnosticDocsBaseUri</c> (an absolute http, https or file URI).
    /// </summary>
    public Uri? DiagnosticDocsBaseUri { get; init; }

    /// <summary>Handlers beyond the built-in ones (the built-ins are every <see cref="ILanguageServerHandler"/> in this assembly).</summary>
    public IReadOnlyList<Func<ServerContext, ILanguageServerHandler>> AdditionalHandlers { get; init; } = [];
}
