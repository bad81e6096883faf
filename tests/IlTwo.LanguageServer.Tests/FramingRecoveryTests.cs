using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;

namespace IlTwo.LanguageServer.Tests;

/// <summary>
/// Bad messages in whole frames: the server answers an error and keeps serving. Broken framing, which the stream cannot
/// be resynchronised after, is in <see cref="BrokenFramingTests"/>.
/// </summary>
public sealed class FramingRecoveryTests
{
    private static void AssertParseError(JsonElement response)
    {
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        Assert.Equal(ErrorCodes.ParseError, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Parse error", response.GetProperty("error").GetProperty("message").GetString());
    }

    private static void AssertPong(JsonElement response, int id, string text)
    {
        Assert.Equal(id, response.GetProperty("id").GetInt32());
        Assert.Equal(text, response.GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_gets_a_parse_error_and_the_server_reads_on()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendRawAsync("Content-Length: 5\r\n\r\nhello");
        AssertParseError(await raw.ReadResponseAsync());

        await raw.SendAsync(RawLspConnection.Ping(1, "after garbage"));
        AssertPong(await raw.ReadResponseAsync(), 1, "after garbage");
    }

    [Fact]
    public async Task A_parse_error_before_initialize_does_not_end_the_connection()
    {
        await using var server = TestServer.Start();
        var raw = new RawLspConnection(server.ClientStream);

        await raw.SendRawAsync("Content-Length: 3\r\n\r\n{]}");
        AssertParseError(await raw.ReadResponseAsync());
        await raw.InitializeAsync();
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":999,"result":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"abc","result":{"x":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""")]
    [InlineData("""{"jsonrpc":"2.0","result":1}""")]
    public async Task A_response_to_a_request_the_server_never_sent_is_ignored_and_logged(string response)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendAsync(response);
        await raw.SendAsync(RawLspConnection.Ping(1, "still here"));

        AssertPong(await raw.ReadResponseAsync(), 1, "still here");
        Assert.False(server.ServerTask.IsCompleted);
        Assert.Contains("never sent", server.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_id_is_not_a_JSON_RPC_id_is_an_invalid_request_and_the_server_reads_on()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendAsync("""{"jsonrpc":"2.0","id":1.5,"result":1}""");
        var response = await raw.ReadResponseAsync();
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        Assert.Equal(ErrorCodes.InvalidRequest, response.GetProperty("error").GetProperty("code").GetInt32());

        await raw.SendAsync(RawLspConnection.Ping(1, "alive"));
        AssertPong(await raw.ReadResponseAsync(), 1, "alive");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":null,"params":{}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"","params":{}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","method":null}""", false)]
    public async Task A_request_without_a_method_is_an_invalid_request_and_the_server_reads_on(string message, bool answered)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendAsync(message);
        if (answered)
        {
            var response = await raw.ReadResponseAsync();
            Assert.Equal(5, response.GetProperty("id").GetInt32());
            Assert.Equal(ErrorCodes.InvalidRequest, response.GetProperty("error").GetProperty("code").GetInt32());
        }

        await raw.SendAsync(RawLspConnection.Ping(1, "alive"));
        AssertPong(await raw.ReadResponseAsync(), 1, "alive");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task A_body_with_invalid_UTF8_gets_a_parse_error_and_the_server_reads_on(byte[] invalid)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        var body = System.Text.Encoding.UTF8.GetBytes("""[{"jsonrpc":"2.0","id":""").Concat(invalid).Concat(System.Text.Encoding.UTF8.GetBytes("""10,"method":"x"}]""")).ToArray();

        await server.ClientStream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n").Concat(body).ToArray());
        await server.ClientStream.FlushAsync();
        AssertParseError(await raw.ReadResponseAsync());

        await raw.SendAsync(RawLspConnection.Ping(1, "alive"));
        AssertPong(await raw.ReadResponseAsync(), 1, "alive");
    }

    [Fact]
    public async Task Invalid_UTF8_inside_a_string_of_a_well_formed_message_gets_a_parse_error_and_the_server_reads_on()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        var ascii = System.Text.Encoding.ASCII;
        var body = ascii.GetBytes("""{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.il2","languageId":"il2","version":1,"text":"protocol x""")
            .Append((byte)0xFF).Concat(ascii.GetBytes("\"}}}")).ToArray();

        await server.ClientStream.WriteAsync(ascii.GetBytes($"Content-Length: {body.Length}\r\n\r\n").Concat(body).ToArray());
        await server.ClientStream.FlushAsync();
        AssertParseError(await raw.ReadResponseAsync());

        await raw.SendAsync(RawLspConnection.Ping(1, "alive"));
        AssertPong(await raw.ReadResponseAsync(), 1, "alive");
    }

    [Fact]
    public async Task A_stray_response_before_initialize_is_ignored()
    {
        await using var server = TestServer.Start();
        var raw = new RawLspConnection(server.ClientStream);

        await raw.SendAsync("""{"jsonrpc":"2.0","id":0,"result":null}""");
        await raw.InitializeAsync();
        await raw.SendAsync(RawLspConnection.Ping(1, "ok"));
        AssertPong(await raw.ReadResponseAsync(), 1, "ok");
    }

    [Fact]
    public async Task JSON_that_is_not_a_JSON_RPC_message_is_an_invalid_request()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendAsync("[1, 2, 3]");
        var response = await raw.ReadResponseAsync();
        Assert.Equal(ErrorCodes.InvalidRequest, response.GetProperty("error").GetProperty("code").GetInt32());

        await raw.SendAsync(RawLspConnection.Ping(1, "one"));
        AssertPong(await raw.ReadResponseAsync(), 1, "one");
    }

    [Fact]
    public async Task A_message_split_into_single_bytes_is_read()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        foreach (var c in RawLspConnection.Frame(RawLspConnection.Ping(1, "slowly")))
        {
            await raw.SendRawAsync(c.ToString());
        }

        AssertPong(await raw.ReadResponseAsync(), 1, "slowly");
    }

    [Fact]
    public async Task A_content_type_header_is_accepted()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        var body = RawLspConnection.Ping(1, "ok");

        await raw.SendRawAsync($"Content-Length: {body.Length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}");

        AssertPong(await raw.ReadResponseAsync(), 1, "ok");
    }
}

public sealed class ExitTests
{
    [Fact]
    public async Task Exit_right_behind_shutdown_still_delivers_the_shutdown_response()
    {
        await using var server = TestServer.Start();
        var raw = new RawLspConnection(server.ClientStream);
        await raw.InitializeAsync();

        await raw.SendRawAsync(RawLspConnection.Frame(RawLspConnection.Request(9, "shutdown", null)) + RawLspConnection.Frame(RawLspConnection.Notification("exit", null)));

        var response = await raw.ReadResponseAsync();
        Assert.Equal(9, response.GetProperty("id").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.GetProperty("result").ValueKind);
        Assert.Equal(0, await server.ServerTask.WaitAsync(TestServer.Timeout));
    }
}
