using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Tests.Infrastructure;

/// <summary>Handlers only the tests register: they follow the production pattern (one class, [JsonRpcMethod]).</summary>
internal sealed class TestHandlers
{
    /// <summary>Completes when a <c>test/slow</c> request has started running.</summary>
    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Func<ServerContext, ILanguageServerHandler>> Factories =>
    [
        _ => new PingHandler(),
        _ => new SlowHandler(SlowStarted),
        context => new DocumentLengthHandler(context),
    ];
}

internal sealed record PingParams(string Text);

internal sealed class PingHandler : ILanguageServerHandler
{
    [JsonRpcMethod("test/ping")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "StreamJsonRpc dispatches to the target object's instance methods.")]
    public string Ping(PingParams request) => request.Text;
}

internal sealed record SlowParams;

internal sealed class SlowHandler(TaskCompletionSource started) : ILanguageServerHandler
{
    [JsonRpcMethod("test/slow")]
    public async Task<int> Slow(SlowParams request, CancellationToken cancellationToken)
    {
        started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }
}

/// <summary>A request about a document, the way hover and friends will read one.</summary>
internal sealed class DocumentLengthHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("test/documentLength")]
    public int DocumentLength(TextDocumentIdentifier request) => context.Documents.Get(request.Uri).Text.Length;
}

