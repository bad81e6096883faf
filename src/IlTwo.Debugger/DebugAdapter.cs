using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger;

/// <summary>The debug adapter over a pair of streams (stdin/stdout for <c>il2 dap</c>, pipes in tests).</summary>
public static class DebugAdapter
{
    /// <returns>0 after <c>disconnect</c>; 1 when the input ends first or is not DAP.</returns>
    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var channel = new DapChannel(input, output);
        var session = new DebugSession(channel, log);
        while (!session.Ended)
        {
            System.Text.Json.Nodes.JsonObject? message;
            try
            {
                message = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DapFramingException or EndOfStreamException)
            {
                await log.WriteLineAsync($"il2 dap: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            if (message is null)
            {
                return 1;
            }
            await session.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }
}
