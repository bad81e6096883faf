using System.Diagnostics;
using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace IlTwo.Debugger.Tests;

/// <summary>
/// A DAP client for tests: sends requests, waits for their responses and keeps every event in order. Drives the adapter
/// in process over pipes (<see cref="InProcess"/>) or the <c>il2 dap</c> process over its stdio (<see cref="Process"/>).
/// </summary>
internal sealed class DapClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Stream _toAdapter;
    private readonly Stream _fromAdapter;
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _events = [];
    private readonly Task _reader;
    private readonly Func<ValueTask> _dispose;
    private int _seq;

    private DapClient(Stream toAdapter, Stream fromAdapter, Task? adapter, Func<ValueTask> dispose)
    {
        _toAdapter = toAdapter;
        _fromAdapter = fromAdapter;
        _dispose = dispose;
        Adapter = adapter;
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>The adapter's exit code once it ends (in process: its run; a process: its exit).</summary>
    public Task<int>? AdapterRun => Adapter as Task<int>;

    private Task? Adapter { get; }

    public IReadOnlyList<JsonObject> Events => _events;

    public static DapClient InProcess()
    {
        var toAdapter = new AnonymousPipeServerStream(PipeDirection.Out);
        var adapterIn = new AnonymousPipeClientStream(PipeDirection.In, toAdapter.ClientSafePipeHandle);
        var fromAdapter = new AnonymousPipeServerStream(PipeDirection.In);
        var adapterOut = new AnonymousPipeClientStream(PipeDirection.Out, fromAdapter.ClientSafePipeHandle);
        var run = Task.Run(async () =>
        {
            try
            {
                return await DebugAdapter.RunAsync(adapterIn, adapterOut, TextWriter.Null);
            }
            finally
            {
                await adapterOut.DisposeAsync();
            }
        });
        return new DapClient(toAdapter, fromAdapter, run, async () =>
        {
            await toAdapter.DisposeAsync();
            await run.WaitAsync(Timeout);
            await adapterIn.DisposeAsync();
        });
    }

    public static DapClient Process(string il2Dll)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(il2Dll);
        info.ArgumentList.Add("dap");
        var process = System.Diagnostics.Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        var exit = Task.Run(async () =>
        {
            await process.WaitForExitAsync();
            return process.ExitCode;
        });
        return new DapClient(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, exit, async () =>
        {
            process.StandardInput.Close();
            await exit.WaitAsync(Timeout);
            process.Dispose();
        });
    }

    /// <summary>Sends a request and returns its response (success or not); events that arrive meanwhile are kept.</summary>
    public async Task<JsonObject> Request(string command, object? arguments = null)
    {
        var seq = ++_seq;
        var message = new JsonObject { ["seq"] = seq, ["type"] = "request", ["command"] = command };
        if (arguments is not null)
        {
            message["arguments"] = JsonSerializer.SerializeToNode(arguments);
        }
        await SendRaw(Encoding.UTF8.GetBytes(message.ToJsonString()));

        while (true)
        {
            var next = await Next();
            if (next["type"]?.GetValue<string>() == "response" && next["request_seq"]?.GetValue<int>() == seq)
            {
                return next;
            }
        }
    }

    /// <summary>A request that must succeed; returns its body.</summary>
    public async Task<JsonNode?> Ok(string command, object? arguments = null)
    {
        var response = await Request(command, arguments);
        Assert.True(response["success"]!.GetValue<bool>(), $"{command} failed: {response["message"]}");
        return response["body"];
    }

    /// <summary>The next event of that name not yet waited for (it may have arrived already).</summary>
    public async Task<JsonObject> Event(string name)
    {
        while (true)
        {
            var found = _events.FirstOrDefault(e => e["event"]?.GetValue<string>() == name && e["waited"] is null);
            if (found is not null)
            {
                found["waited"] = true;
                return found;
            }
            await Next();
        }
    }

    public async Task SendRaw(byte[] body)
    {
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _toAdapter.WriteAsync(header);
        await _toAdapter.WriteAsync(body);
        await _toAdapter.FlushAsync();
    }

    public async Task SendBytes(byte[] bytes)
    {
        await _toAdapter.WriteAsync(bytes);
        await _toAdapter.FlushAsync();
    }

    private async Task<JsonObject> Next()
    {
        var message = await _messages.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        if (message["type"]?.GetValue<string>() == "event")
        {
            _events.Add(message);
        }
        return message;
    }

    private async Task ReadLoop()
    {
        try
        {
            while (true)
            {
                var header = new StringBuilder();
                var one = new byte[1];
                while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await _fromAdapter.ReadAsync(one) == 0)
                    {
                        return;
                    }
                    header.Append((char)one[0]);
                }

                var length = int.Parse(header.ToString().Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var body = new byte[length];
                await _fromAdapter.ReadExactlyAsync(body);
                await _messages.Writer.WriteAsync((JsonObject)JsonNode.Parse(body)!);
            }
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    /// <summary>Closes the adapter's input; the adapter ends, which closes its output and ends the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        await _dispose();
        await _reader.WaitAsync(Timeout);
        await _fromAdapter.DisposeAsync();
    }
}
