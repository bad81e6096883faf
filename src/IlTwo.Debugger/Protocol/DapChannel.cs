using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Protocol;

/// <summary>
/// DAP's base protocol over a pair of streams: each message is <c>Content-Length: N\r\n\r\n</c> and N bytes of UTF-8 JSON.
/// Reads one message at a time; writes are serialised so an event never interleaves with a response.
/// </summary>
public sealed class DapChannel(Stream input, Stream output) : IDisposable
{
    /// <summary>A message larger than this is refused rather than buffered (a broken client must not exhaust memory).</summary>
    public const int MaxContentLength = 16 * 1024 * 1024;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _one = new byte[1];

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The next message, or null at the end of the input. Throws <see cref="DapFramingException"/> on a broken header or body.</summary>
    public async Task<JsonObject?> ReadAsync(CancellationToken cancellationToken)
    {
        int? length = null;
        while (true)
        {
            var line = await ReadHeaderLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (length is null)
                {
                    continue;
                }
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > MaxContentLength)
                {
                    throw new DapFramingException($"bad Content-Length header '{line}'");
                }
                length = n;
            }
        }

        var body = new byte[length.Value];
        await input.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new DapFramingException("a message is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new DapFramingException($"a message is not valid JSON: {e.Message}");
        }
    }

    public async Task WriteAsync(object message, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), JsonOptions);
        var header = Encoding.ASCII.GetBytes($"Content-Length: {json.Length}\r\n\r\n");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(json, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    /// <summary>One header line without its CR LF; null at the end of the input before any byte of it.</summary>
    private async Task<string?> ReadHeaderLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var read = await input.ReadAsync(_one, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return bytes.Count == 0 ? null : throw new DapFramingException("the input ended inside a header");
            }

            if (_one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            if (bytes.Count > 1024)
            {
                throw new DapFramingException("a header line is longer than 1024 bytes");
            }
            bytes.Add(_one[0]);
        }
    }
}

/// <summary>The input is not DAP: the adapter cannot find the next message and stops.</summary>
public sealed class DapFramingException(string message) : Exception(message);
