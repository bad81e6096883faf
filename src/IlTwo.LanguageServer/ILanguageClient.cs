using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer;

/// <summary>What the server sends to the client unasked.</summary>
public interface ILanguageClient
{
    Task PublishDiagnosticsAsync(PublishDiagnosticsParams parameters);

    Task LogMessageAsync(LogMessageParams parameters);

    Task ShowMessageAsync(ShowMessageParams parameters);
}

internal sealed class JsonRpcLanguageClient : ILanguageClient
{
    private readonly JsonRpc _rpc;

    public JsonRpcLanguageClient(JsonRpc rpc)
    {
        _rpc = rpc;
    }

    public Task PublishDiagnosticsAsync(PublishDiagnosticsParams parameters) => _rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", parameters);

    public Task LogMessageAsync(LogMessageParams parameters) => _rpc.NotifyWithParameterObjectAsync("window/logMessage", parameters);

    public Task ShowMessageAsync(ShowMessageParams parameters) => _rpc.NotifyWithParameterObjectAsync("window/showMessage", parameters);
}
