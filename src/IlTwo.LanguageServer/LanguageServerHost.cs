using System.IO.Pipelines;
using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Lifecycle;
using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Protocol;
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
    public static async Task<int> RunStdioAsync()
    {
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();

        // stdout is the protocol: anything printed by mistake goes to stderr instead.
        Console.SetOut(Console.Error);
        return await RunAsync(input, output, new LanguageServerOptions(), CancellationToken.None).ConfigureAwait(false);
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
        var inputPipe = InputPump.CreatePipe();
        var pump = InputPump.RunAsync(input, inputPipe.Writer, stopping.Token);
        var outputWriter = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));

        var log = new ServerLog(options.Log);
        var lifecycle = new ServerLifecycle();
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = ProtocolJson.CreateOptions() };
        var messageHandler = new LspMessageHandler(outputWriter, inputPipe.Reader, formatter, lifecycle, log, options.StalledBodyTimeout);
        using var rpc = new LanguageServerRpc(messageHandler);
        var client = new JsonRpcLanguageClient(rpc);
        var documents = new DocumentStore();
        var workspace = new ProtocolWorkspace(documents);
        using var diagnostics = new DiagnosticsScheduler(documents, options.Analyzer ?? workspace, client.PublishDiagnosticsAsync, options.DiagnosticsDelay, log);
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
        var finished = await Task.WhenAny(lifecycle.Exited, rpc.Completion, cancelled).ConfigureAwait(false);
        if (finished == rpc.Completion && rpc.Completion.IsFaulted)
        {
            log.Error($"The connection failed: {rpc.Completion.Exception?.GetBaseException().Message}");
        }

        int exitCode = lifecycle.ExitCode;
        diagnostics.Stop();

        // Let every request already read get its answer out (the shutdown response, typically) before closing.
        var answered = messageHandler.WhenRequestsAnsweredAsync();
        await LspMessageHandler.WaitAtMostAsync(Task.WhenAny(answered, rpc.Completion), LspMessageHandler.AnswerGracePeriod).ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        rpc.Dispose();

        // A stdin read may not honour cancellation: do not let the input pump hold up the exit.
        await LspMessageHandler.WaitAtMostAsync(pump, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        return exitCode;
    }
}
