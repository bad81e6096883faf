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
    /// <summary>How long answers still being computed may hold up the end of the session.</summary>
    public static readonly TimeSpan AnswerGracePeriod = TimeSpan.FromSeconds(2);

    private readonly FrameReader _frames;
    private readonly IMessageGate _gate;
    private readonly ServerLog _log;
    private readonly object _answerLock = new();
    private readonly HashSet<RequestId> _unanswered = [];
    private readonly HashSet<RequestId> _issued = [];
    private RequestId? _writtenResponse;
    private TaskCompletionSource? _allAnswered;

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
                    // The client closed its side. JsonRpc drops unsent answers once told, so let the requests
                    // already read (shutdown, typically) be answered first, within reason.
                    await WaitAtMostAsync(WhenRequestsAnsweredAsync(), AnswerGracePeriod).ConfigureAwait(false);
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

                    if (!System.Text.Unicode.Utf8.IsValid(message.Body))
                    {
                        // JSON-RPC text is UTF-8; JsonRpc would fail the connection when it decodes the bad string later.
                        _log.Warning("Parse error: the message body is not valid UTF-8.");
                        await ReplyErrorAsync(RequestId.Null, ErrorCodes.ParseError, "Parse error", cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (UnexpectedResponse(message.Body) is { } stray)
                    {
                        // JsonRpc ends the connection on a response it cannot match; a stray one is no reason to stop.
                        _log.Warning($"Ignored a response to a request the server never sent (id {stray}).");
                        continue;
                    }

                    var rpcMessage = TryDeserialize(message.Body, out var problem);
                    if (rpcMessage is null)
                    {
                        _log.Warning($"Invalid request: {problem}");
                        await ReplyErrorAsync(ReadId(message.Body), ErrorCodes.InvalidRequest, "Invalid Request", cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (rpcMessage is JsonRpcRequest { Method: null or "" } nameless)
                    {
                        // JsonRpc ends the connection on a request without a method.
                        _log.Warning("Invalid request: no method.");
                        if (nameless.IsResponseExpected)
                        {
                            await ReplyErrorAsync(nameless.RequestId, ErrorCodes.InvalidRequest, "Invalid Request", cancellationToken).ConfigureAwait(false);
                        }

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

                    if (rpcMessage is JsonRpcRequest { IsResponseExpected: true } expectingResponse)
                    {
                        lock (_answerLock)
                        {
                            _unanswered.Add(expectingResponse.RequestId);
                        }
                    }

                    return rpcMessage;
            }
        }
    }

    /// <summary>Completes once every request handed to JsonRpc so far has had its response written and flushed.</summary>
    public Task WhenRequestsAnsweredAsync()
    {
        lock (_answerLock)
        {
            if (_unanswered.Count == 0)
            {
                return Task.CompletedTask;
            }

            _allAnswered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _allAnswered.Task;
        }
    }

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        if (content is JsonRpcRequest { IsResponseExpected: true } outgoing)
        {
            lock (_answerLock)
            {
                _issued.Add(outgoing.RequestId);
            }
        }

        base.Write(content, cancellationToken);
        _writtenResponse = content switch
        {
            JsonRpcResult result => result.RequestId,
            JsonRpcError error => error.RequestId,
            _ => null,
        };
    }

    protected override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await base.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Write and flush run back to back under the base class's sending lock.
        if (_writtenResponse is RequestId answered)
        {
            _writtenResponse = null;
            lock (_answerLock)
            {
                if (_unanswered.Remove(answered) && _unanswered.Count == 0 && _allAnswered is { } waiter)
                {
                    _allAnswered = null;
                    waiter.TrySetResult();
                }
            }
        }
    }

    /// <summary>Waits for <paramref name="task"/> but never longer than <paramref name="limit"/>; never throws.</summary>
    internal static async Task WaitAtMostAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
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

    /// <summary>
    /// The id (as text) of a response (a message with <c>result</c> or <c>error</c> and no <c>method</c>) whose id the server
    /// never issued, or that was already answered; null for every other message. A response that matches is forgotten here.
    /// </summary>
    private string? UnexpectedResponse(byte[] body)
    {
        RequestId id;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("method", out _)
                || !(root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _)))
            {
                return null;
            }

            if (!root.TryGetProperty("id", out var idElement))
            {
                return "none";
            }

            switch (idElement.ValueKind)
            {
                case JsonValueKind.Number when idElement.TryGetInt64(out var number):
                    id = new RequestId(number);
                    break;
                case JsonValueKind.String:
                    id = new RequestId(idElement.GetString());
                    break;
                default:
                    return Shorten(idElement.GetRawText());
            }
        }
        catch (JsonException)
        {
            return null;
        }

        lock (_answerLock)
        {
            return _issued.Remove(id) ? null : Shorten(id.ToString());
        }
    }

    private static string Shorten(string text)
    {
        var clean = new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 64 ? clean + "..." : clean;
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
