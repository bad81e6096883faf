using IlTwo.LanguageServer.Handlers;
using Nerdbank.Streams;

namespace IlTwo.LanguageServer.Tests.Infrastructure;

/// <summary>The server on one end of an in-memory duplex stream; <see cref="ClientStream"/> is the other end.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();

    private TestServer(Stream clientStream, Stream serverStream, TextWriter log, LanguageServerOptions options)
    {
        ClientStream = clientStream;
        ServerStream = serverStream;
        Log = log;
        Handlers = new TestHandlers();
        var withTestHandlers = new LanguageServerOptions
        {
            DiagnosticsDelay = options.DiagnosticsDelay,
            Analyzer = options.Analyzer,
            Log = log,
            AdditionalHandlers = [.. Handlers.Factories, .. options.AdditionalHandlers],
        };
        ServerTask = Task.Run(() => LanguageServerHost.RunAsync(serverStream, serverStream, withTestHandlers, _stop.Token));
    }

    public Stream ClientStream { get; }

    public Stream ServerStream { get; }

    /// <summary>What the server wrote to its stderr.</summary>
    public TextWriter Log { get; }

    public TestHandlers Handlers { get; }

    /// <summary>Completes with the exit code.</summary>
    public Task<int> ServerTask { get; }

    public static TestServer Start(params Func<ServerContext, ILanguageServerHandler>[] extraHandlers) =>
        Start(new LanguageServerOptions { DiagnosticsDelay = TimeSpan.Zero, AdditionalHandlers = extraHandlers });

    public static TestServer Start(LanguageServerOptions options)
    {
        var (client, server) = FullDuplexStream.CreatePair();
        return new TestServer(client, server, new LockedStringWriter(), options);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await ServerTask.WaitAsync(Timeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        await ClientStream.DisposeAsync();
        await ServerStream.DisposeAsync();
        _stop.Dispose();
    }
}
