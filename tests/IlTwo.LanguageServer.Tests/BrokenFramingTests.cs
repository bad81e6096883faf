using System.Text;
using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;

namespace IlTwo.LanguageServer.Tests;

/// <summary>
/// Framing the stream cannot be resynchronised after (a header line that is not one, no or a bad <c>Content-Length</c>,
/// a length that reaches into the next frame): the server answers what it could read, then ends the session by
/// itself with exit code 1 and logs why; it never spins or hangs. A length larger than everything sent leaves the server
/// waiting for the bytes it was promised, and it exits the same way when the input ends.
/// (The hand-written reader this replaced resynchronised at the next header; StreamJsonRpc's framing does not.)
/// </summary>
public sealed class BrokenFramingTests
{
    private static async Task AssertExitsWithTheReasonAsync(TestServer server, string reason)
    {
        Assert.Equal(1, await server.ServerTask.WaitAsync(TestServer.Timeout));
        var log = server.Log.ToString();
        Assert.Contains("The connection ended", log, StringComparison.Ordinal);
        Assert.Contains(reason, log, StringComparison.Ordinal);
    }

    private static void AssertParseError(JsonElement response)
    {
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        Assert.Equal(ErrorCodes.ParseError, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("this is not a header at all {}\r\n\r\n", "Colon not found")]
    [InlineData("Content-Length: abc\r\n\r\n", "Content-Length")]
    [InlineData("Content-Length: 99999999999999999999\r\n\r\n", "Content-Length")]
    [InlineData("Content-Length: -5\r\n\r\n{}", "contentLength")]
    [InlineData("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", "No Content-Length")]
    [InlineData("content-length: 2\r\n\r\n{}", "No Content-Length")]
    [InlineData("Content-Length: 2\n\n{}", @"\r\n")]
    public async Task A_bad_header_ends_the_session_with_the_reason(string frame, string reason)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendRawAsync(frame + RawLspConnection.Frame(RawLspConnection.Ping(1, "never read")));

        await AssertExitsWithTheReasonAsync(server, reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(13)]
    public async Task A_bad_body_whose_length_reaches_into_the_next_header_gets_a_parse_error_then_ends_the_session(int over)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        const string Bad = "{\"jsonrpc\":\"2.0\" \"id\":5}";

        await raw.SendRawAsync($"Content-Length: {Bad.Length + over}\r\n\r\n{Bad}" + RawLspConnection.Frame(RawLspConnection.Ping(1, "next")));

        AssertParseError(await raw.ReadResponseAsync());
        await AssertExitsWithTheReasonAsync(server, "Content-Length");
    }

    [Fact]
    public async Task A_Content_Length_smaller_than_the_body_gets_a_parse_error_then_ends_the_session()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendRawAsync($"Content-Length: 10\r\n\r\n{RawLspConnection.Ping(1, "one")}" + RawLspConnection.Frame(RawLspConnection.Ping(2, "two")));

        AssertParseError(await raw.ReadResponseAsync());
        await AssertExitsWithTheReasonAsync(server, "Content-Length");
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0xC3)]
    public async Task A_truncated_body_with_invalid_UTF8_gets_a_parse_error_and_the_session_ends_with_the_input(byte invalid)
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        var ascii = Encoding.ASCII;
        var body = ascii.GetBytes("""{"jsonrpc":"2.0","id":2740,"method":"textDocument/folding""").Append(invalid)
            .Concat(ascii.GetBytes("""ange","params":{"textDocument":{"uri":"file:///fuzz/""")).ToArray();

        await server.ClientStream.WriteAsync(ascii.GetBytes($"Content-Length: {body.Length + 23}\r\n\r\n").Concat(body).Concat(Encoding.UTF8.GetBytes(RawLspConnection.Frame(RawLspConnection.Ping(1, "next")))).ToArray());
        await server.ClientStream.FlushAsync();

        // The rest of the next frame has no line end: the server waits for the end of a header line until the input ends.
        AssertParseError(await raw.ReadResponseAsync());
        await server.ClientStream.DisposeAsync();
        await AssertExitsWithTheReasonAsync(server, "EndOfStream");
    }

    [Fact]
    public async Task A_Content_Length_larger_than_everything_sent_waits_for_the_bytes_and_exits_when_the_input_ends()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;
        var first = RawLspConnection.Ping(1, "one");

        await raw.SendRawAsync($"Content-Length: {first.Length + 500}\r\n\r\n{first}" + RawLspConnection.Frame(RawLspConnection.Ping(2, "two")));
        await Task.Delay(200);
        Assert.False(server.ServerTask.IsCompleted);

        await server.ClientStream.DisposeAsync();
        await AssertExitsWithTheReasonAsync(server, "EndOfStream");
    }

    [Fact]
    public async Task A_huge_Content_Length_that_fits_an_int_waits_for_the_bytes_and_exits_when_the_input_ends()
    {
        var (server, raw) = await RawLspConnection.StartInitializedAsync();
        await using var _ = server;

        await raw.SendRawAsync($"Content-Length: {int.MaxValue}\r\n\r\n{RawLspConnection.Ping(1, "one")}");
        await Task.Delay(200);
        Assert.False(server.ServerTask.IsCompleted);

        await server.ClientStream.DisposeAsync();
        await AssertExitsWithTheReasonAsync(server, "EndOfStream");
    }
}
