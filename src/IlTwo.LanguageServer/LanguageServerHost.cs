using System.IO.Pipelines;
using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Lifecycle;
using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Transport;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer;

/// <summary>Runs the il2 language server over a pair of streams (stdio for editors, pipes for tests).</summary>
public static class LanguageServerHost
{
    /// <summary>
    /// The entry point for <c>il2 lsp</c>: serves LSP on stdin/stdout until <c>exit</c> or the end of stdin.
    /// Returns the process exit code: 0 after <c>shutdown</c> then <c>exit</c>, 1 otherwise.
    /// </summary>
    public static Task<int> RunStdioAsync() => RunStdioAsync(new LanguageServerOptions());

    /// <summary>As <see cref="RunStdioAsync()"/>, with <paramref name="options"/> (the CLI's <c>il2 lsp</c> passes its settings).</summary>
    public static async Task<int> RunStdioAsync(LanguageServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The analysis round's proofs run beside the edits and requests a user waits for: let them yield (measured on
        // post-til-il2 under load: z3 at normal priority tripled completion and edit -> diagnostics times).
        Dsl.Analysis.Verification.SolverProcesses.BelowNormalPriority = true;
        var input = Console.OpenStandardInput();

        // The one place that owns stdout: it is the LSP channel, handed to JsonRpc; anything printed by mistake
        // (a library's Console.WriteLine) goes to stderr instead. Everywhere else these APIs are banned (BannedSymbols.txt).
#pragma warning disable RS0030 // Do not use banned APIs: this is the owner of stdout
        var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
#pragma warning restore RS0030
        return await RunAsync(input, output, options, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc cref="RunAsync(Stream, Stream, LanguageServerOptions, CancellationToken)"/>
    public static Task<int> RunAsync(Stream input, Stream output, CancellationToken cancellationToken) =>
        RunAsync(input, output, new LanguageServerOptions(), cancellationToken);

    /// <summary>
    /// Serves one LSP session: reads <paramref name="input"/>, writes <paramref name="output"/> (both left open),
    /// and completes with the exit code when <c>exit</c> arrives (0 after <c>shutdown</c>, 1 without), when the input
    /// ends (same rule) or when <paramref name="cancellationToken"/> is cancelled (1 unless shut down).
    /// </summary>
    public static async Task<int> RunAsync(Stream input, Stream output, LanguageServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(leaveOpen: true));
        var writer = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));

        var log = new ServerLog(options.Log);
        var lifecycle = new ServerLifecycle();
        var messageHandler = new LspMessageHandler(writer, reader, new LspMessageFormatter(), lifecycle, log);
        using var rpc = new LanguageServerRpc(messageHandler);
        rpc.Disconnected += (_, e) =>
        {
            // The end of the input and our own disposal are the normal ends; anything else (framing the stream
            // cannot be resynchronised after, a failed write) is why the server stops, so it is logged.
            if (e.Reason is not (DisconnectedReason.RemotePartyTerminated or DisconnectedReason.LocallyDisposed))
            {
                log.Error($"The connection ended ({e.Reason}): {e.Description} The server stops.");
            }
        };
        var client = new JsonRpcLanguageClient(rpc);
        var documents = new DocumentStore();
        var workspace = new ProtocolWorkspace(documents);
        using var diagnostics = new DiagnosticsScheduler(documents, options.Analyzer ?? workspace, client.PublishDiagnosticsAsync, options.DiagnosticsDelay, options.Debounce, log);
        diagnostics.DocsBaseUri = options.DiagnosticDocsBaseUri;
        var context = new ServerContext(documents, workspace, diagnostics, lifecycle, client, log);
        context.Handlers = HandlerRegistry.Create(context, options.AdditionalHandlers);
        foreach (var handler in context.Handlers)
        {
            HandlerRegistry.Register(rpc, handler);
        }

        rpc.StartListening();
        log.AttachClient(client.LogMessageAsync);

        var cancelled = Task.Delay(Timeout.Infinite, stopping.Token);
        await Task.WhenAny(lifecycle.Exited, rpc.Completion, cancelled).ConfigureAwait(false);

        int exitCode = lifecycle.ExitCode;
        diagnostics.Stop();

        // Let every request already read get its answer out (the shutdown response, typically) before closing.
        var answered = messageHandler.WhenRequestsAnsweredAsync();
        await LspMessageHandler.WaitAtMostAsync(Task.WhenAny(answered, rpc.Completion), LspMessageHandler.AnswerGracePeriod).ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        rpc.Dispose();

        return exitCode;
    }
}
