using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;

namespace IlTwo.LanguageServer.Tests;

public sealed class CancellationTests
{
    [Fact]
    public async Task CancelRequest_cancels_a_running_request_with_RequestCancelled()
    {
        await using var server = TestServer.Start();
        var raw = new RawLspConnection(server.ClientStream);
        await raw.InitializeAsync();

        await raw.SendAsync(RawLspConnection.Request(7, "test/slow", new SlowParams()));
        await server.Handlers.SlowStarted.Task.WaitAsync(TestServer.Timeout);
        await raw.SendAsync(RawLspConnection.Notification("$/cancelRequest", new { id = 7 }));

        var response = await raw.ReadResponseAsync();
        Assert.Equal(7, response.GetProperty("id").GetInt32());
        Assert.Equal(ErrorCodes.RequestCancelled, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_client_cancellation_token_cancels_the_server_request()
    {
        await using var client = await LspTestClient.StartAsync();
        using var cancellation = new CancellationTokenSource();

        var call = client.RequestAsync<int>("test/slow", new SlowParams(), cancellation.Token);
        await client.Server.Handlers.SlowStarted.Task.WaitAsync(TestServer.Timeout);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("still here", await client.RequestAsync<string>("test/ping", new PingParams("still here")));
    }
}
