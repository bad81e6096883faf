using System.Text;
using System.Text.Json;
using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Tests.Infrastructure;

/// <summary>Bytes on the wire: for framing tests that a well-behaved client library cannot produce.</summary>
internal sealed class RawLspConnection
{
    private static readonly JsonSerializerOptions Json = ProtocolJson.CreateOptions();
    private readonly Stream _stream;
    private readonly List<byte> _pending = [];
    private readonly byte[] _chunk = new byte[64 * 1024];

    public RawLspConnection(Stream stream)
    {
        _stream = stream;
    }

    public static string Request(int id, string method, object? parameters) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters }, Json);

    public static string Notification(string method, object? parameters) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", method, @params = parameters }, Json);

    /// <summary>The test handlers' <c>test/ping</c> request, framed.</summary>
    public static string Ping(int id, string text) => Request(id, "test/ping", new PingParams(text));

    /// <summary>A test server with a raw connection that has completed <c>initialize</c>.</summary>
    public static async Task<(TestServer Server, RawLspConnection Raw)> StartInitializedAsync()
    {
        var server = TestServer.Start();
        var raw = new RawLspConnection(server.ClientStream);
        await raw.InitializeAsync();
        return (server, raw);
    }

    public static string Frame(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    public async Task SendRawAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _stream.FlushAsync();
    }

    public Task SendAsync(string body) => SendRawAsync(Frame(body));

    public async Task InitializeAsync()
    {
        await SendAsync(Request(0, "initialize", new InitializeParams(ProcessId: 1)));
        var response = await ReadResponseAsync();
        Assert.True(response.TryGetProperty("result", out _), response.ToString());
        await SendAsync(Notification("initialized", new InitializedParams()));
    }

    /// <summary>The next response (skipping the server's notifications), within the test timeout.</summary>
    public Task<JsonElement> ReadResponseAsync() => ReadResponseCoreAsync().WaitAsync(TestServer.Timeout);

    private async Task<JsonElement> ReadResponseCoreAsync()
    {
        while (true)
        {
            var message = await ReadMessageAsync();
            if (!message.TryGetProperty("method", out _))
            {
                return message;
            }
        }
    }

    /// <summary>Reads one framed message; fails if the server wrote anything that is not a well-framed JSON message.</summary>
    public async Task<JsonElement> ReadMessageAsync()
    {
        int contentLength = -1;
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"Not a header line: '{line}'");
            if (line[..colon].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(line[(colon + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.True(contentLength >= 0, "No Content-Length header from the server.");
        await FillAsync(contentLength);
        var body = _pending.GetRange(0, contentLength).ToArray();
        _pending.RemoveRange(0, contentLength);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            for (int i = 0; i + 1 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                {
                    var line = Encoding.ASCII.GetString(_pending.GetRange(0, i).ToArray());
                    _pending.RemoveRange(0, i + 2);
                    return line;
                }
            }

            await FillAsync(_pending.Count + 1);
        }
    }

    private async Task FillAsync(int count)
    {
        while (_pending.Count < count)
        {
            int read = await _stream.ReadAsync(_chunk);
            if (read == 0)
            {
                throw new EndOfStreamException("The server closed the stream.");
            }

            _pending.AddRange(_chunk.AsSpan(0, read).ToArray());
        }
    }
}
