using System.IO.Pipelines;
using System.Text.Json;
using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// LSP framing for StreamJsonRpc that survives bad input. Writing is <see cref="HeaderDelimitedMessageHandler"/>'s own;
/// reading goes through <see cref="FrameReader"/>, and whatever is not a message is answered here, below JsonRpc,
/// so JsonRpc only ever sees well-formed messages and never disconnects on a bad one:
/// unparsable bytes get <c>-32700</c> with <c>id: null</c>, JSON that is not a JSON-RPC message gets <c>-32600</c>,
/// and a request the <see cref="IMessageGate"/> refuses gets the gate's error.
/// </summary>
internal sealed class LspMessageHandler : HeaderDelimitedMessageHandler
{
    private readonly FrameReader _frames;
    private readonly IMessageGate _gate;
    private readonly ServerLog _log;

    public LspMessageHandler(PipeWriter writer, PipeReader reader, IJsonRpcMessageFormatter formatter, IMessageGate gate, ServerLog log, TimeSpan stalledBodyTimeout)
        : base(writer, reader, formatter)
    {
        _frames = new FrameReader(reader, stalledBodyTimeout);
        _gate = gate;
        _log = log;
    }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await _frames.ReadAsync(cancellationToken).ConfigureAwait(false);
            switch (frame)
            {
                case null:
                    return null;

                case BadFrame bad:
                    _log.Warning($"Parse error: {bad.Reason}");
                    await ReplyErrorAsync(RequestId.Null, ErrorCodes.ParseError, "Parse error", cancellationToken).ConfigureAwait(false);
                    continue;

                case MessageFrame message:
                    if (message.Note is not null)
                    {
                        _log.Warning(message.Note);
                    }

                    var rpcMessage = TryDeserialize(message.Body, out var problem);
                    if (rpcMessage is null)
                    {
                        _log.Warning($"Invalid request: {problem}");
                        await ReplyErrorAsync(ReadId(message.Body), ErrorCodes.InvalidRequest, "Invalid Request", cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (rpcMessage is JsonRpcRequest request)
                    {
                        var verdict = _gate.Admit(request.Method ?? string.Empty, request.IsResponseExpected);
                        if (!verdict.Dispatch)
                        {
                            if (verdict.ErrorCode is int code && request.IsResponseExpected)
                            {
                                await ReplyErrorAsync(request.RequestId, code, verdict.Message ?? "Refused", cancellationToken).ConfigureAwait(false);
                            }

                            continue;
                        }
                    }

                    return rpcMessage;
            }
        }
    }

    private JsonRpcMessage? TryDeserialize(byte[] body, out string? problem)
    {
        try
        {
            problem = null;
            return Formatter.Deserialize(new System.Buffers.ReadOnlySequence<byte>(body));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>The id of a message that is JSON but not a valid JSON-RPC message, if it has a usable one.</summary>
    private static RequestId ReadId(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id))
            {
                if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
                {
                    return new RequestId(number);
                }

                if (id.ValueKind == JsonValueKind.String)
                {
                    return new RequestId(id.GetString());
                }
            }
        }
        catch (JsonException)
        {
        }

        return RequestId.Null;
    }

    private async ValueTask ReplyErrorAsync(RequestId id, int code, string message, CancellationToken cancellationToken)
    {
        var error = new JsonRpcError
        {
            RequestId = id,
            Error = new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)code, Message = message },
        };
        await WriteAsync(error, cancellationToken).ConfigureAwait(false);
    }
}
