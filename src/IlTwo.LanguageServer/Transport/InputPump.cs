using System.IO.Pipelines;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// Copies the input stream into a pipe without back-pressure, so the frame reader can wait on its own pipe with a
/// timeout (CancelPendingRead) without ever cancelling a read on the real stream (stdin reads do not cancel cleanly).
/// </summary>
internal static class InputPump
{
    public static Pipe CreatePipe() => new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));

    public static async Task RunAsync(Stream input, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(64 * 1024);
                int read = await input.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);
                var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The input ended or we are stopping: either way the reader sees the end of the stream.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
