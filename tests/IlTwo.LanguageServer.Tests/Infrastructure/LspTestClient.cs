using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using Range = IlTwo.LanguageServer.Protocol.Range;

namespace IlTwo.LanguageServer.Tests.Infrastructure;

/// <summary>A typed LSP client over StreamJsonRpc, talking to a <see cref="TestServer"/>.</summary>
internal sealed class LspTestClient : IAsyncDisposable
{
    private readonly Channel<PublishDiagnosticsParams> _diagnostics = Channel.CreateUnbounded<PublishDiagnosticsParams>();

    private LspTestClient(TestServer server)
    {
        Server = server;
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = ProtocolJson.CreateOptions() };
        Rpc = new JsonRpc(new HeaderDelimitedMessageHandler(server.ClientStream, server.ClientStream, formatter));
        Rpc.AddLocalRpcTarget(new ClientTarget(_diagnostics.Writer, LogMessages));
        Rpc.StartListening();
    }

    public TestServer Server { get; }

    public JsonRpc Rpc { get; }

    public ConcurrentQueue<LogMessageParams> LogMessages { get; } = new();

    /// <summary>A client initialized with these <c>initializationOptions</c>.</summary>
    public static async Task<LspTestClient> StartWithOptionsAsync(object initializationOptions)
    {
        var client = new LspTestClient(TestServer.Start([]));
        await client.InitializeAsync(initializationOptions);
        return client;
    }

    public static async Task<LspTestClient> StartAsync(bool initialize = true, params Func<ServerContext, ILanguageServerHandler>[] extraHandlers)
    {
        var client = new LspTestClient(TestServer.Start(extraHandlers));
        if (initialize)
        {
            await client.InitializeAsync();
        }

        return client;
    }

    public async Task<JsonElement> InitializeAsync(object? initializationOptions = null)
    {
        var options = initializationOptions is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(initializationOptions);
        var result = await RequestAsync<JsonElement>("initialize", new InitializeParams(ProcessId: Environment.ProcessId, RootUri: new Uri("file:///work/"), InitializationOptions: options));
        await NotifyAsync("initialized", new InitializedParams());
        return result;
    }

    public Task<T> RequestAsync<T>(string method, object? parameters, CancellationToken cancellationToken = default) =>
        Rpc.InvokeWithParameterObjectAsync<T>(method, parameters, cancellationToken).WaitAsync(TestServer.Timeout, CancellationToken.None);

    public Task NotifyAsync(string method, object? parameters) => Rpc.NotifyWithParameterObjectAsync(method, parameters);

    public Task OpenAsync(Uri uri, string text, int version = 1) =>
        NotifyAsync("textDocument/didOpen", new DidOpenTextDocumentParams(new TextDocumentItem(uri, "il2", version, text)));

    public Task ChangeAsync(Uri uri, int version, params TextDocumentContentChangeEvent[] changes) =>
        NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, version), changes));

    public static TextDocumentContentChangeEvent Edit(int startLine, int startCharacter, int endLine, int endCharacter, string text) =>
        new(text, new Range(new Position(startLine, startCharacter), new Position(endLine, endCharacter)));

    /// <summary>The next diagnostics published for <paramref name="uri"/> that satisfy <paramref name="predicate"/>.</summary>
    public async Task<PublishDiagnosticsParams> WaitForDiagnosticsAsync(Uri uri, Func<PublishDiagnosticsParams, bool>? predicate = null, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TestServer.Timeout);
        while (true)
        {
            var published = await _diagnostics.Reader.ReadAsync(cancellation.Token);
            if (published.Uri.OriginalString == uri.OriginalString && (predicate is null || predicate(published)))
            {
                return published;
            }
        }
    }

    /// <summary>Diagnostics already received and not yet read.</summary>
    public List<PublishDiagnosticsParams> DrainDiagnostics()
    {
        var drained = new List<PublishDiagnosticsParams>();
        while (_diagnostics.Reader.TryRead(out var item))
        {
            drained.Add(item);
        }

        return drained;
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        await Server.DisposeAsync();
    }

    private sealed class ClientTarget(ChannelWriter<PublishDiagnosticsParams> diagnostics, ConcurrentQueue<LogMessageParams> logs)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(PublishDiagnosticsParams parameters) => diagnostics.TryWrite(parameters);

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(LogMessageParams parameters) => logs.Enqueue(parameters);
    }
}
