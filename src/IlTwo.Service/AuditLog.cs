using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Service;

/// <summary>
/// The decision log: JSON Lines, the runtime's <see cref="DecisionLog"/> line with the CDS call's <c>decisionId</c>,
/// <c>hook</c>, <c>hookInstance</c> and <c>service</c> in front.
/// </summary>
/// <remarks>
/// Durability: a request's task completes only once its line has been written whole and the file stream flushed to the
/// operating system (as when each request flushed its own line), and the service sends the card only then, so no card
/// goes out whose decision is not in the file; a crash of the process loses no decision that was answered. The lines are
/// not fsync'd (a power loss may lose what the OS had not yet written, as before). One writer task writes and flushes
/// whatever lines are waiting in one go (group commit), so concurrent requests neither wait on a lock nor pay a
/// flush each.
/// </remarks>
public sealed class AuditLog : IDisposable
{
    private readonly FileStream _file;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AuditLog(string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        _file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 64 * 1024);
        FilePath = full;
        _writer = Task.Run(WriteLoop);
    }

    public string FilePath { get; }

    /// <summary>Completes when the decision's line is in the file (flushed to the OS); faults when it could not be written.</summary>
    public Task Decision(CallInfo call, DoseDecision decision, PatientRecord record)
    {
        // The runtime's line is a JSON object: the call's fields go in front of its first member, without a re-parse.
        var line = DecisionLog.Format(decision, record);
        var buffer = new ArrayBufferWriter<byte>(line.Length + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteCall(w, call);
            w.WriteEndObject();
        }
        var head = buffer.WrittenSpan;
        var bytes = new byte[head.Length - 1 + (line.Length > 2 ? 1 + Encoding.UTF8.GetByteCount(line.AsSpan(1)) : 1) + 1];
        head[..^1].CopyTo(bytes);
        var at = head.Length - 1;
        if (line.Length > 2)
        {
            bytes[at++] = (byte)',';
            at += Encoding.UTF8.GetBytes(line.AsSpan(1), bytes.AsSpan(at));
        }
        else
        {
            bytes[at++] = (byte)'}';
        }

        bytes[at] = (byte)'\n';
        return Enqueue(bytes);
    }

    /// <summary>A line for what the service decided without the engine (a hold on missing data) or was told (feedback).</summary>
    public Task Event(CallInfo call, JsonObject fields)
    {
        var line = new JsonObject
        {
            ["decisionId"] = call.DecisionId,
            ["service"] = call.Service,
            ["hook"] = call.Hook,
            ["hookInstance"] = call.HookInstance,
        };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            line[key] = value;
        }
        return Enqueue(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"));
    }

    private static void WriteCall(Utf8JsonWriter w, CallInfo call)
    {
        w.WriteString("decisionId", call.DecisionId);
        w.WriteString("service", call.Service);
        Nullable(w, "hook", call.Hook);
        Nullable(w, "hookInstance", call.HookInstance);
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private Task Enqueue(byte[] line)
    {
        var pending = new Pending(line, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException(new ObjectDisposedException(nameof(AuditLog), "the decision log is closed"));
        }

        return pending.Written.Task;
    }

    private async Task WriteLoop()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                foreach (var pending in batch)
                {
                    _file.Write(pending.Line);
                }

                _file.Flush();
                foreach (var pending in batch)
                {
                    pending.Written.SetResult();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // The requests fail (no card without its line); later lines are tried again.
                foreach (var pending in batch)
                {
                    pending.Written.TrySetException(e);
                }
            }
            batch.Clear();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        _file.Dispose();
    }

    private readonly record struct Pending(byte[] Line, TaskCompletionSource Written);
}

public sealed record CallInfo(string DecisionId, string Service, string? Hook, string? HookInstance);
