using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Logging;

/// <summary>
/// The server's log: lines go to stderr (never stdout, which is the protocol) and, once a client is attached,
/// to <c>window/logMessage</c>. Logging never throws.
/// </summary>
public sealed class ServerLog
{
    private readonly TextWriter _stderr;
    private readonly object _writeLock = new();
    private Func<LogMessageParams, Task>? _client;

    public ServerLog(TextWriter stderr)
    {
        _stderr = stderr;
    }

    internal void AttachClient(Func<LogMessageParams, Task> client) => _client = client;

    public void Error(string message) => Write(MessageType.Error, message);

    public void Warning(string message) => Write(MessageType.Warning, message);

    public void Info(string message) => Write(MessageType.Info, message);

    public void Write(MessageType type, string message)
    {
        try
        {
            lock (_writeLock)
            {
                _stderr.WriteLine($"[il2-lsp] {type.ToString().ToLowerInvariant()}: {message}");
                _stderr.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }

        if (_client is { } client)
        {
            _ = SendAsync(client, new LogMessageParams(type, message));
        }
    }

    private static async Task SendAsync(Func<LogMessageParams, Task> client, LogMessageParams message)
    {
        try
        {
            await client(message).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is gone or going: the stderr line is all we can do.
        }
    }
}
