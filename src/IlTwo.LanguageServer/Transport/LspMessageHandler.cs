using System.IO.Pipelines;
using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// LSP framing is StreamJsonRpc's own <see cref="HeaderDelimitedMessageHandler"/>; this subclass only decides, message by
/// message, what JsonRpc gets to see, because JsonRpc ends the connection on several things a client may send:
/// <list type="bullet">
/// <item>a whole frame whose body is not a message (<see cref="UnreadableMessageException"/> from <see cref="LspMessageFormatter"/>)
/// gets -32700 or -32600 and reading goes on: the frame was read to its end, so the stream is still in step;</item>
/// <item>a response to a request the server never sent is logged and dropped;</item>
/// <item>a request without a method gets -32600; a request the <see cref="IMessageGate"/> refuses gets the gate's error.</item>
/// </list>
/// Broken framing (a bad header line, no or a negative <c>Content-Length</c>, the input ending inside a frame) is not
/// caught: the stream cannot be resynchronised, so JsonRpc disconnects with the reason and the host exits.
/// </summary>
internal sealed class LspMessageHandler : HeaderDelimitedMessageHandler
{
    /// <summary>How long answers still being computed may hold up the end of the session.</summary>
    public static readonly TimeSpan AnswerGracePeriod = TimeSpan.FromSeconds(2);

    private readonly IMessageGate _gate;
    private readonly ServerLog _log;
    private readonly object _answerLock = new();
    private readonly HashSet<RequestId> _unanswered = [];
    private readonly HashSet<RequestId> _issued = [];
    private RequestId? _writtenResponse;
    private TaskCompletionSource? _allAnswered;

    public LspMessageHandler(PipeWriter writer, PipeReader reader, LspMessageFormatter formatter, IMessageGate gate, ServerLog log)
        : base(writer, reader, formatter)
    {
        _gate = gate;
        _log = log;
    }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            JsonRpcMessage? message;
            try
            {
                message = await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (UnreadableMessageException unreadable)
            {
                var isParseError = unreadable.Code == ErrorCodes.ParseError;
                _log.Warning($"{(isParseError ? "Parse error" : "Invalid request")}: {unreadable.Message}");
                await ReplyErrorAsync(unreadable.Id, unreadable.Code, isParseError ? "Parse error" : "Invalid Request", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (message is null)
            {
                // The client closed its side. JsonRpc drops unsent answers once told, so let the requests
                // already read (shutdown, typically) be answered first, within reason.
                await WaitAtMostAsync(WhenRequestsAnsweredAsync(), AnswerGracePeriod).ConfigureAwait(false);
                return null;
            }

            if (await AdmitAsync(message, cancellationToken).ConfigureAwait(false))
            {
                return message;
            }

            // Not handed to JsonRpc, which would release the message's buffer: release it here.
            ((IJsonRpcMessageBufferManager)this).DeserializationComplete(message);
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

    /// <summary>Whether JsonRpc gets <paramref name="message"/>; answers or logs the ones it does not.</summary>
    private async ValueTask<bool> AdmitAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (message is not JsonRpcRequest request)
        {
            var id = message is IJsonRpcMessageWithId withId ? withId.RequestId : RequestId.NotSpecified;
            lock (_answerLock)
            {
                if (_issued.Remove(id))
                {
                    return true;
                }
            }

            // JsonRpc ends the connection on a response it cannot match; a stray one is no reason to stop.
            _log.Warning($"Ignored a response to a request the server never sent (id {Shorten(id.IsEmpty ? "none" : id.ToString())}).");
            return false;
        }

        if (string.IsNullOrEmpty(request.Method))
        {
            // JsonRpc ends the connection on a request without a method.
            _log.Warning("Invalid request: no method.");
            if (request.IsResponseExpected)
            {
                await ReplyErrorAsync(request.RequestId, ErrorCodes.InvalidRequest, "Invalid Request", cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        var verdict = _gate.Admit(request.Method, request.IsResponseExpected);
        if (!verdict.Dispatch)
        {
            if (verdict.ErrorCode is int code && request.IsResponseExpected)
            {
                await ReplyErrorAsync(request.RequestId, code, verdict.Message ?? "Refused", cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        if (request.IsResponseExpected)
        {
            lock (_answerLock)
            {
                _unanswered.Add(request.RequestId);
            }
        }

        return true;
    }

    private static string Shorten(string text)
    {
        var clean = new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 64 ? clean + "..." : clean;
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
