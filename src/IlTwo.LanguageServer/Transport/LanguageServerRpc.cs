using System.Reflection;
using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// JsonRpc with LSP's error mapping to -32602 InvalidParams: a request about a document that is not open, and params
/// that do not deserialize (StreamJsonRpc's System.Text.Json formatter reports those as a generic -32000 otherwise).
/// </summary>
internal sealed class LanguageServerRpc : JsonRpc
{
    public LanguageServerRpc(IJsonRpcMessageHandler handler)
        : base(handler)
    {
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var inner = exception is TargetInvocationException { InnerException: { } wrapped } ? wrapped : exception;
        if (inner is DocumentNotOpenException notOpen)
        {
            return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)ErrorCodes.InvalidParams, Message = notOpen.Message };
        }

        if (inner is JsonException json)
        {
            return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)ErrorCodes.InvalidParams, Message = $"Invalid params for '{request.Method}': {json.Message}" };
        }

        return base.CreateErrorDetails(request, exception);
    }
}
