using System.Reflection;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IlTwo.LanguageServer.Transport;

/// <summary>JsonRpc with LSP's error mapping: a request about a document that is not open answers -32602 InvalidParams.</summary>
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

        return base.CreateErrorDetails(request, exception);
    }
}
