using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// StreamJsonRpc's System.Text.Json formatter, with one change: a body it cannot read as a JSON-RPC message fails with
/// <see cref="UnreadableMessageException"/>, which says what to answer (-32700 for bytes that are not JSON or not UTF-8,
/// -32600 for JSON that is not a message). <see cref="HeaderDelimitedMessageHandler"/> calls the formatter only once the
/// whole body (<c>Content-Length</c> bytes) is read, so after this exception the stream is still at a frame boundary.
/// </summary>
internal sealed class LspMessageFormatter : SystemTextJsonFormatter, IJsonRpcMessageFormatter, IJsonRpcMessageTextFormatter
{
    public LspMessageFormatter()
    {
        JsonSerializerOptions = ProtocolJson.CreateOptions();
    }

    JsonRpcMessage IJsonRpcMessageFormatter.Deserialize(ReadOnlySequence<byte> contentBuffer) => Read(contentBuffer, Encoding);

    JsonRpcMessage IJsonRpcMessageTextFormatter.Deserialize(ReadOnlySequence<byte> contentBuffer, Encoding encoding) => Read(contentBuffer, encoding);

    private JsonRpcMessage Read(ReadOnlySequence<byte> body, Encoding encoding)
    {
        // JSON-RPC text is UTF-8. System.Text.Json checks strings only when they are decoded, which JsonRpc does later,
        // while dispatching, where a failure would end the connection.
        if (!IsValidUtf8(body))
        {
            throw new UnreadableMessageException(ErrorCodes.ParseError, RequestId.Null, "the message body is not valid UTF-8.");
        }

        try
        {
            return Deserialize(body, encoding);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return IsOneJsonValue(body)
                ? throw new UnreadableMessageException(ErrorCodes.InvalidRequest, ReadId(body), ex.Message, ex)
                : throw new UnreadableMessageException(ErrorCodes.ParseError, RequestId.Null, ex.Message, ex);
        }
    }

    private static bool IsValidUtf8(ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return Utf8.IsValid(body.FirstSpan);
        }

        var copy = ArrayPool<byte>.Shared.Rent(checked((int)body.Length));
        try
        {
            body.CopyTo(copy);
            return Utf8.IsValid(copy.AsSpan(0, (int)body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static bool IsOneJsonValue(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The id of JSON that is not a valid message, when it has a usable one; null otherwise.</summary>
    private static RequestId ReadId(ReadOnlySequence<byte> body)
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
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return RequestId.Null;
    }
}

/// <summary>A whole frame whose body is not a JSON-RPC message: answered with <see cref="Code"/>, and reading goes on.</summary>
internal sealed class UnreadableMessageException(int code, RequestId id, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    public int Code { get; } = code;

    public RequestId Id { get; } = id;
}
