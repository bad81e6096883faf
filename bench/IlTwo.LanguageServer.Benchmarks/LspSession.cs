using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using IlTwo.LanguageServer.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;
using Range = IlTwo.LanguageServer.Protocol.Range;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>A real server (the production host) on an in-memory duplex stream, with a StreamJsonRpc client.</summary>
public sealed class LspSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _server;
    private readonly Channel<(PublishDiagnosticsParams Params, long Ticks)> _diagnostics = Channel.CreateUnbounded<(PublishDiagnosticsParams, long)>();

    public LspSession(TimeSpan diagnosticsDelay)
    {
        var (client, server) = FullDuplexStream.CreatePair();
        var options = new LanguageServerOptions { DiagnosticsDelay = diagnosticsDelay, Log = TextWriter.Null };
        _server = Task.Run(() => LanguageServerHost.RunAsync(server, server, options, _stop.Token));
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = ProtocolJson.CreateOptions() };
        Rpc = new JsonRpc(new HeaderDelimitedMessageHandler(client, client, formatter));
        Rpc.AddLocalRpcTarget(new Target(_diagnostics.Writer));
        Rpc.StartListening();
    }

    public JsonRpc Rpc { get; }

    public Task<JsonElement> RequestAsync(string method, object parameters) => Rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters);

    public Task InitializeAsync() => Task.WhenAll(RequestAsync("initialize", new InitializeParams(ProcessId: Environment.ProcessId)));

    public Task NotifyAsync(string method, object parameters) => Rpc.NotifyWithParameterObjectAsync(method, parameters);

    /// <summary>Waits for diagnostics of <paramref name="version"/>; <paramref name="round"/> 1 is the first publish, 2 the one with analysis.</summary>
    public async Task<long> WaitForDiagnosticsAsync(int version, int round)
    {
        var seen = 0;
        while (true)
        {
            var (published, ticks) = await _diagnostics.Reader.ReadAsync();
            if (published.Version == version && ++seen == round)
            {
                return ticks;
            }
        }
    }

    public static TextDocumentContentChangeEvent Edit(int line, int character, int endCharacter, string text) =>
        new(text, new Range(new Position(line, character), new Position(line, endCharacter)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _server.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        Rpc.Dispose();
        _stop.Dispose();
    }

    private sealed class Target(ChannelWriter<(PublishDiagnosticsParams, long)> diagnostics)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void Publish(PublishDiagnosticsParams parameters) => diagnostics.TryWrite((parameters, Stopwatch.GetTimestamp()));
    }
}
