using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Initialize_advertises_exactly_the_registered_features()
    {
        await using var client = await LspTestClient.StartAsync(initialize: false);

        var result = await client.InitializeAsync();

        var capabilities = result.GetProperty("capabilities");
        Assert.Equal(
            ["textDocumentSync", "hoverProvider", "completionProvider", "signatureHelpProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "codeActionProvider", "documentFormattingProvider", "renameProvider", "foldingRangeProvider", "semanticTokensProvider", "inlayHintProvider", "codeLensProvider"],
            capabilities.EnumerateObject().Select(property => property.Name));
        var sync = capabilities.GetProperty("textDocumentSync");
        Assert.True(sync.GetProperty("openClose").GetBoolean());
        Assert.Equal(2, sync.GetProperty("change").GetInt32());
        Assert.Equal("il2", result.GetProperty("serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_request_before_initialize_is_refused_with_ServerNotInitialized()
    {
        await using var client = await LspTestClient.StartAsync(initialize: false);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => client.RequestAsync<string>("test/ping", new PingParams("x")));

        Assert.Equal(ErrorCodes.ServerNotInitialized, error.ErrorCode);
        await client.InitializeAsync();
        Assert.Equal("x", await client.RequestAsync<string>("test/ping", new PingParams("x")));
    }

    [Fact]
    public async Task A_second_initialize_is_an_invalid_request()
    {
        await using var client = await LspTestClient.StartAsync();

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => client.RequestAsync<JsonElement>("initialize", new InitializeParams()));

        Assert.Equal(ErrorCodes.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public async Task An_unknown_method_is_MethodNotFound()
    {
        await using var client = await LspTestClient.StartAsync();

        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => client.RequestAsync<JsonElement>("textDocument/noSuchThing", new { }));

        Assert.Equal(ErrorCodes.MethodNotFound, (int?)error.ErrorCode);
    }

    [Fact]
    public async Task Shutdown_then_exit_ends_the_host_with_0()
    {
        await using var client = await LspTestClient.StartAsync();

        var result = await client.RequestAsync<JsonElement>("shutdown", null);
        await client.NotifyAsync("exit", null);

        Assert.Equal(JsonValueKind.Null, result.ValueKind);
        Assert.Equal(0, await client.Server.ServerTask.WaitAsync(TestServer.Timeout));
    }

    [Fact]
    public async Task Exit_without_shutdown_ends_the_host_with_1()
    {
        await using var client = await LspTestClient.StartAsync();

        await client.NotifyAsync("exit", null);

        Assert.Equal(1, await client.Server.ServerTask.WaitAsync(TestServer.Timeout));
    }

    [Fact]
    public async Task Requests_after_shutdown_are_invalid_requests()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.RequestAsync<JsonElement>("shutdown", null);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => client.RequestAsync<string>("test/ping", new PingParams("x")));

        Assert.Equal(ErrorCodes.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public async Task The_end_of_the_input_ends_the_host()
    {
        var server = TestServer.Start();
        await using (server)
        {
            server.ClientStream.Dispose();

            Assert.Equal(1, await server.ServerTask.WaitAsync(TestServer.Timeout));
        }
    }

    [Fact]
    public async Task Logs_go_to_stderr_and_window_logMessage()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(new Uri("file:///never-opened.il2"), 2), []));
        Assert.Equal("y", await client.RequestAsync<string>("test/ping", new PingParams("y")));

        await WaitUntilAsync(() => client.LogMessages.Any(m => m.Message.Contains("never-opened.il2", StringComparison.Ordinal)));
        Assert.Contains("never-opened.il2", client.Server.Log.ToString(), StringComparison.Ordinal);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestServer.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for a condition.");
            await Task.Delay(20);
        }
    }
}
