using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using IlTwo.LanguageServer;
using IlTwo.LanguageServer.Tests.Infrastructure;
using Nerdbank.Streams;

namespace IlTwo.Fuzz;

/// <summary>
/// <c>il2 lsp</c> (the server host, in memory) fed mutated frames after a proper <c>initialize</c>: wrong, huge, missing
/// or duplicated <c>Content-Length</c>, bad header lines, truncated and byte-flipped bodies, invalid UTF-8, responses to
/// requests it never sent (numeric, string, null and odd ids), batches, wrong param types, and requests and
/// notifications with mutated protocol text. Everything the server writes must be well-framed JSON. After a batch of
/// whole frames (bodies may be anything) a probe request must be answered within the timeout and the server must still
/// run. After a batch with broken framing (which StreamJsonRpc's framing does not resynchronise after) the server may
/// instead end the session by itself, with exit code 1 and the reason in its log, or wait for bytes a
/// <c>Content-Length</c> promised; then, once its input ends, it must exit with 1 within <see cref="ExitTimeout"/>.
/// </summary>
public static class LspFuzzer
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a probe after broken framing is waited for before the input is closed.</summary>
    public static readonly TimeSpan BrokenFramingProbeTimeout = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private const string Uri = "file:///fuzz/post-til-il2.il2";

    public static FuzzReport Run(FuzzBudget budget)
    {
        var report = new FuzzReport("il2 lsp");
        var mutator = new Mutator(new Random(budget.Seed + 2));
        var protocol = File.ReadAllText(Repository.File("protocols/hd-il2-monotherapy.il2"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var session = Session.Start(protocol);
        var recent = new Queue<string>();
        try
        {
            report.Iterations = budget.Run(i =>
            {
                var batch = new StringBuilder();
                var messages = 1 + mutator.Random.Next(4);
                var whole = true;
                for (var m = 0; m < messages; m++)
                {
                    var (frame, isWhole) = Frame(mutator, protocol, i * 10 + m);
                    batch.Append(frame);
                    whole &= isWhole;
                }
                var bytes = Encoding.UTF8.GetBytes(batch.ToString());
                if (mutator.Random.Next(8) == 0)
                {
                    bytes = mutator.MutateBytes(bytes);
                    whole = false;
                }
                var sentExit = Encoding.UTF8.GetString(bytes).Contains("exit", StringComparison.Ordinal);
                recent.Enqueue(Convert.ToBase64String(bytes));
                if (recent.Count > 3)
                {
                    recent.Dequeue();
                }

                var outcome = session.SendAndProbe(bytes, $"probe-{i}", whole ? Timeout : BrokenFramingProbeTimeout);
                switch (outcome)
                {
                    case null:
                        report.Count(whole ? "answered" : "broken framing: answered");
                        return true;
                    case "exited" when sentExit:
                        report.Count("exit sent: restarted");
                        break;
                    case "exited" when !whole && session.ExitedWithTheReason():
                        report.Count("broken framing: exited by itself with the reason logged");
                        break;
                    case not null when !whole && outcome.StartsWith("hang", StringComparison.Ordinal):
                        // Waiting for the rest of a frame: it must end when its input does.
                        if (session.EndInput() is { } stuck)
                        {
                            report.Find(stuck + "\n--- server log\n" + session.LogTail(), string.Join("\n--- next batch\n", recent));
                            return false;
                        }
                        report.Count("broken framing: waited for the promised bytes, exited when the input ended");
                        break;
                    default:
                        report.Find((session.Crash() ?? outcome) + "\n--- server log\n" + session.LogTail(), string.Join("\n--- next batch\n", recent));
                        if (outcome.StartsWith("hang", StringComparison.Ordinal))
                        {
                            return false;
                        }

                        break;
                }
                Close(session);
                session = Session.Start(protocol);
                return true;
            });
        }
        finally
        {
            Close(session);
            report.Elapsed = clock.Elapsed;
        }
        return report;

        // What the server wrote after the last probe's answer is checked too.
        void Close(Session ended)
        {
            if (ended.Close() is { } unread)
            {
                report.Find(unread + "\n--- server log\n" + ended.LogTail(), string.Join("\n--- next batch\n", recent));
            }
        }
    }

    /// <summary>One frame, and whether its framing is whole (the right <c>Content-Length</c> and headers; the body may be anything).</summary>
    private static (string Frame, bool Whole) Frame(Mutator mutator, string protocol, int id)
    {
        var random = mutator.Random;
        var body = Body(mutator, protocol, id);
        var length = Encoding.UTF8.GetByteCount(body);
        // Broken framing ends the session (StreamJsonRpc does not resynchronise), so each costs a restart: one frame in
        // four is broken, the rest are whole frames whose bodies carry the message-level mutations.
        switch (random.Next(4) == 0 ? random.Next(7) : 7 + random.Next(5))
        {
            case 0:
                return ($"Content-Length: {length + 1 + random.Next(200)}\r\n\r\n{body}", false);
            case 1:
                var cut = random.Next(Math.Max(1, body.Length));
                return ($"Content-Length: {length}\r\n\r\n{body[..cut]}", false);
            case 2:
                return ($"Content-Length: {Math.Max(0, length - 1 - random.Next(Math.Max(1, length)))}\r\n\r\n{body}", false);
            case 3:
                return random.Next(3) switch
                {
                    0 => ($"Content-Length: 99999999999999999999\r\n\r\n{body}", false),
                    1 => ($"Content-Length: -5\r\n\r\n{body}", false),
                    _ => ($"Content-Length: {length}\r\nContent-Length: {length + 3}\r\n\r\n{body}", false),
                };
            case 4:
                return random.Next(3) switch
                {
                    0 => ($"Content-Type: text/plain\r\n\r\n{body}", false),
                    1 => ($"Content-Length {length}\r\n\r\n{body}", false),
                    // An unknown header is no broken framing.
                    _ => ($"X: {new string('a', random.Next(10000))}\r\nContent-Length: {length}\r\n\r\n{body}", true),
                };
            case 5:
                return ($"Content-Length: {length}\n\n{body}", false);
            case 6:
                return (mutator.MutateText($"Content-Length: {length}\r\n\r\n{body}"), false);
            default:
                return ($"Content-Length: {length}\r\n\r\n{body}", true);
        }
    }

    private static string Body(Mutator mutator, string protocol, int id)
    {
        var random = mutator.Random;
        var position = new JsonObject { ["line"] = random.Next(-2, 300), ["character"] = random.Next(-2, 80) };
        var document = new JsonObject { ["uri"] = random.Next(6) == 0 ? "file:///fuzz/other.il2" : Uri };
        JsonNode message = random.Next(16) switch
        {
            0 => Response(random.Next(5) switch { 0 => id, 1 => $"x{id}", 2 => null, 3 => 1.5, _ => -id }, random.Next(2) == 0),
            1 => Response(id, true),
            2 => Request(id, "textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri, ["languageId"] = "il2", ["version"] = id, ["text"] = mutator.MutateText(protocol) },
            }, notification: true),
            3 => Request(id, "textDocument/didChange", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri, ["version"] = id },
                ["contentChanges"] = new JsonArray(new JsonObject
                {
                    ["range"] = new JsonObject { ["start"] = position.DeepClone(), ["end"] = position.DeepClone() },
                    ["text"] = mutator.MutateText("when sbp < 90 mm[Hg]\n"),
                }),
            }, notification: true),
            4 => Request(id, "textDocument/hover", new JsonObject { ["textDocument"] = document, ["position"] = position }),
            5 => Request(id, "textDocument/completion", new JsonObject { ["textDocument"] = document, ["position"] = position }),
            6 => Request(id, "textDocument/documentSymbol", new JsonObject { ["textDocument"] = document }),
            7 => Request(id, "textDocument/formatting", new JsonObject { ["textDocument"] = document, ["options"] = new JsonObject { ["tabSize"] = 2, ["insertSpaces"] = true } }),
            8 => Request(id, "textDocument/semanticTokens/full", new JsonObject { ["textDocument"] = document }),
            9 => Request(id, "textDocument/rename", new JsonObject { ["textDocument"] = document, ["position"] = position, ["newName"] = mutator.MutateText("new-name") }),
            10 => Request(id, "$/cancelRequest", new JsonObject { ["id"] = random.Next(-5, id + 5) }, notification: true),
            11 => new JsonArray(Request(id, "textDocument/hover", new JsonObject { ["textDocument"] = document, ["position"] = position }), Response(id + 100000, false)),
            12 => Request(id, "textDocument/definition", new JsonObject { ["textDocument"] = 5, ["position"] = "here" }),
            13 => Request(id, "il2/compareWithRevision", new JsonObject { ["textDocument"] = document, ["revision"] = random.Next(2) == 0 ? "--output=/tmp/il2-fuzz-injected" : "HEAD" }),
            14 => Request(id, "textDocument/foldingRange", new JsonObject { ["textDocument"] = document }),
            _ => Request(id, mutator.MutateText("textDocument/hover"), new JsonArray(1, 2, 3)),
        };
        var text = message.ToJsonString();
        return random.Next(5) == 0 ? mutator.MutateJson(message).Node.ToJsonString() : text;
    }

    private static JsonObject Request(int id, string method, JsonNode? parameters, bool notification = false)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0" };
        if (!notification)
        {
            request["id"] = id;
        }

        request["method"] = method;
        request["params"] = parameters;
        return request;
    }

    private static JsonObject Response(JsonNode? id, bool error) => error
        ? new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "no" } }
        : new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = new JsonObject { ["applied"] = true } };

    /// <summary>
    /// One server on an in-memory duplex stream, with a client side that reads the server's output all the time, as an
    /// editor does, and frames it strictly. The duplex pipe holds about 64 KB: a client that read only while it waited
    /// for an answer left the server's writes blocked behind a large batch of error replies, the server's read loop
    /// (which writes those replies) stopped reading, and the client's own write then waited out the timeout.
    /// </summary>
    private sealed class Session : IDisposable
    {
        /// <summary>How long <see cref="Close"/> waits for the reader to stop once the stream is closed.</summary>
        private static readonly TimeSpan ReaderStopTimeout = TimeSpan.FromSeconds(2);

        private readonly Stream _client;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationTokenSource _stopReading = new();
        private readonly LockedStringWriter _log;
        private readonly List<byte> _pending = [];
        private readonly byte[] _chunk = new byte[64 * 1024];

        /// <summary>
        /// What the reader found, in order: answers with a string id (the fuzzer's own requests, <c>init</c> and the
        /// probes, have string ids) and problems (a malformed frame, a body that is not JSON, the reader's own
        /// failure). Other messages are framed and parsed but not kept, so this holds about one item per batch
        /// between two probes. Completed at the end of the stream.
        /// </summary>
        private readonly Channel<Reply> _replies = Channel.CreateUnbounded<Reply>();

        private readonly Task _reader;
        private volatile bool _ending;
        private bool _closed;

        private Session(Stream client, Task<int> server, LockedStringWriter log, CancellationTokenSource stop)
        {
            _client = client;
            Server = server;
            _log = log;
            _stop = stop;
            _reader = Task.Run(() => ReadAllAsync(_stopReading.Token));
        }

        public Task<int> Server { get; }

        public static Session Start(string protocol)
        {
            var (client, server) = FullDuplexStream.CreatePair();
            // Read (ToString) while the server writes: TextWriter.Synchronized locks the writes only, and a StringBuilder
            // read during a write threw out of the run (ArgumentOutOfRangeException from StringBuilder.ToString).
            var log = new LockedStringWriter();
            var options = new LanguageServerOptions { DiagnosticsDelay = TimeSpan.FromMilliseconds(20), Log = log };
            var stop = new CancellationTokenSource();
            var task = Task.Run(() => LanguageServerHost.RunAsync(server, server, options, stop.Token));
            var session = new Session(client, task, log, stop);
            session.Send(Encoding.UTF8.GetBytes(Framed("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"processId":1,"capabilities":{}}}""")));
            if (session.ReadUntil("init") is { } problem)
            {
                var unread = session.Close();
                throw new InvalidOperationException("the server did not initialize: " + problem + (unread is null ? "" : "; " + unread));
            }

            session.Send(Encoding.UTF8.GetBytes(Framed("""{"jsonrpc":"2.0","method":"initialized","params":{}}""")
                + Framed(new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["method"] = "textDocument/didOpen",
                    ["params"] = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri, ["languageId"] = "il2", ["version"] = 1, ["text"] = protocol } },
                }.ToJsonString())));
            return session;
        }

        private static string Framed(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

        /// <summary>Null when the probe was answered; otherwise what went wrong.</summary>
        public string? SendAndProbe(byte[] bytes, string probeId, TimeSpan timeout)
        {
            if (!Send(bytes) || !Send(Encoding.UTF8.GetBytes(Framed($$"""{"jsonrpc":"2.0","id":"{{probeId}}","method":"il2/fuzzProbe"}"""))))
            {
                return StoppedReading();
            }

            return ReadUntil(probeId, timeout);
        }

        /// <summary>
        /// A write failed because the server closed its input. It closes its input first and exits after answering the
        /// requests it has read (up to its grace period), so the exit is waited for, not expected at once.
        /// </summary>
        private string StoppedReading()
        {
            try
            {
                return Server.Wait(ExitTimeout) ? "exited" : $"the server stopped reading its input and did not exit within {ExitTimeout.TotalSeconds} s";
            }
            catch (AggregateException e)
            {
                return "the server crashed: " + e.GetBaseException();
            }
        }

        /// <summary>Whether the server ended the session itself with exit code 1 and said why.</summary>
        public bool ExitedWithTheReason()
        {
            try
            {
                return Server.Wait(ExitTimeout) && Server.Result == 1 && _log.ToString().Contains("The connection ended", StringComparison.Ordinal);
            }
            catch (AggregateException)
            {
                // A crash, not an exit: reported as a finding (see Crash), not thrown out of the run.
                return false;
            }
        }

        /// <summary>The server's crash, when its task faulted; else null.</summary>
        public string? Crash() => Server.IsFaulted ? "the server crashed: " + Server.Exception!.GetBaseException() : null;

        /// <summary>Closes the server's input; null when it then exits with 1 in time, otherwise what went wrong.</summary>
        public string? EndInput()
        {
            _ending = true;
            _client.Dispose();
            try
            {
                if (!Server.Wait(ExitTimeout))
                {
                    return $"hang: the server did not exit within {ExitTimeout.TotalSeconds} s of the end of its input";
                }

                return Server.Result == 1 ? null : $"the server exited with {Server.Result} at the end of its input, not 1";
            }
            catch (AggregateException e)
            {
                return "the server crashed: " + e.GetBaseException();
            }
        }

        private bool Send(byte[] bytes)
        {
            try
            {
                // A server that ended the session no longer reads: a large write would wait out the timeout.
                var write = _client.WriteAsync(bytes).AsTask();
                Task.WhenAny(write, Server).Wait(Timeout);
                if (!write.IsCompleted)
                {
                    return false;
                }

                write.GetAwaiter().GetResult();
                var flush = _client.FlushAsync();
                Task.WhenAny(flush, Server).Wait(Timeout);
                if (!flush.IsCompleted)
                {
                    return false;
                }

                flush.GetAwaiter().GetResult();
                return true;
            }
            catch (Exception e) when (e is AggregateException or IOException or ObjectDisposedException)
            {
                return false;
            }
        }

        /// <summary>Takes what the reader found until the response with this id; null when it came, otherwise why not.</summary>
        public string? ReadUntil(string id, TimeSpan? timeout = null)
        {
            var limit = timeout ?? Timeout;
            var deadline = DateTime.UtcNow + limit;
            while (true)
            {
                // A server that ends the session stops writing without closing its end: do not wait it out, but take
                // what it wrote before it ended and the reader has framed.
                var exited = Server.IsCompleted;
                while (_replies.Reader.TryRead(out var reply))
                {
                    if (reply.Problem is { } problem)
                    {
                        return problem;
                    }

                    if (reply.Id == id)
                    {
                        return null;
                    }
                }
                if (exited || _replies.Reader.Completion.IsCompleted)
                {
                    return "exited";
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    return Server.IsCompleted ? "exited" : $"hang: no answer to '{id}' within {limit.TotalSeconds} s";
                }

                Task.WhenAny(_replies.Reader.WaitToReadAsync().AsTask(), Server).Wait(remaining);
            }
        }

        /// <summary>
        /// The reader: frames the server's output until it ends or the session closes. A malformed frame leaves the
        /// stream out of step, so after one the rest is read and dropped (the server must never wait for its writes).
        /// </summary>
        private async Task ReadAllAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    string? frame;
                    try
                    {
                        frame = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is FormatException or OverflowException)
                    {
                        Keep(new Reply(null, $"the server wrote a malformed frame: {e.Message}"));
                        while (await _client.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false) > 0)
                        {
                        }

                        return;
                    }
                    if (frame is null)
                    {
                        return;
                    }

                    try
                    {
                        using var json = JsonDocument.Parse(frame);
                        if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var got)
                            && got.ValueKind == JsonValueKind.String)
                        {
                            Keep(new Reply(got.GetString(), null));
                        }
                    }
                    catch (JsonException e)
                    {
                        Keep(new Reply(null, $"the server wrote a body that is not JSON: {e.Message}"));
                    }
                }
            }
            catch (Exception) when (_ending)
            {
                // The session closed the stream under the read (cancelled, disposed or completed): the end of it.
            }
            catch (Exception e)
            {
                Keep(new Reply(null, "the fuzzer's reader of the server's output failed: " + e));
            }
            finally
            {
                _replies.Writer.TryComplete();
            }
        }

        private void Keep(Reply reply)
        {
            if (!_replies.Writer.TryWrite(reply))
            {
                throw new InvalidOperationException("the reader's queue is closed");
            }
        }

        private async Task<string?> ReadFrameAsync(CancellationToken cancellationToken)
        {
            var length = -1;
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 0)
                {
                    break;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new FormatException($"not a header line: '{line}'");
                }

                if (line[..colon].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line[(colon + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            if (length < 0)
            {
                throw new FormatException("no Content-Length");
            }

            if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var body = Encoding.UTF8.GetString([.. _pending.GetRange(0, length)]);
            _pending.RemoveRange(0, length);
            return body;
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                for (var i = 0; i + 1 < _pending.Count; i++)
                {
                    if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                    {
                        var line = Encoding.ASCII.GetString([.. _pending.GetRange(0, i)]);
                        _pending.RemoveRange(0, i + 2);
                        return line;
                    }
                }
                if (!await FillAsync(_pending.Count + 1, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        private async Task<bool> FillAsync(int count, CancellationToken cancellationToken)
        {
            while (_pending.Count < count)
            {
                var read = await _client.ReadAsync(_chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                _pending.AddRange(_chunk.AsSpan(0, read).ToArray());
            }
            return true;
        }

        public string LogTail()
        {
            var text = _log.ToString();
            return text.Length > 6000 ? text[^6000..] : text;
        }

        /// <summary>
        /// Stops the server and the reader. Returns a problem the reader found that no <see cref="ReadUntil"/> took
        /// (the server wrote it after the last probe's answer), or that the reader did not stop; otherwise null.
        /// </summary>
        public string? Close()
        {
            if (_closed)
            {
                return null;
            }

            _closed = true;
            _ending = true;
            _stop.Cancel();
            _stopReading.Cancel();
            _client.Dispose();
            try
            {
                Server.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
            try
            {
                if (!_reader.Wait(ReaderStopTimeout))
                {
                    return $"the fuzzer's reader of the server's output did not stop within {ReaderStopTimeout.TotalSeconds} s of the end of the session";
                }
            }
            catch (AggregateException e)
            {
                return "the fuzzer's reader of the server's output failed: " + e.GetBaseException();
            }

            _stop.Dispose();
            _stopReading.Dispose();
            while (_replies.Reader.TryRead(out var reply))
            {
                if (reply.Problem is { } problem)
                {
                    return problem;
                }
            }
            return null;
        }

        /// <summary>As <see cref="Close"/>, for a caller that cannot report; the fuzz loop calls <see cref="Close"/>.</summary>
        public void Dispose() => _ = Close();

        /// <summary>An answer with a string id, or a problem with the server's output.</summary>
        private readonly record struct Reply(string? Id, string? Problem);
    }
}
