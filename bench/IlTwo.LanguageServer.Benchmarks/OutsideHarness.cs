using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>
/// Edit -> diagnostics as an editor sees it: the real <c>il2 lsp</c> process over stdio with its shipped settings, timed
/// from sending <c>didChange</c> to receiving the first <c>publishDiagnostics</c> of that version; completion and hover
/// timed from request to answer. With a baseline build (<c>--baseline OTHER_IL2</c>, e.g. main's, built in another
/// worktree) each document is measured with both in the same run, in rounds that alternate the two processes so machine
/// load falls on both alike.
/// </summary>
public static class OutsideHarness
{
    private const int Rounds = 3;

    public static async Task RunAsync(string il2, int iterations, string? baseline = null)
    {
        var root = FindRoot();
        var generated = Path.Combine(Directory.CreateTempSubdirectory("il2-lsp-bench-").FullName, "generated.il2");
        await File.WriteAllTextAsync(generated, IlTwo.Benchmarks.ProtocolGenerator.Generate(5000));
        string[] documents = [Path.Combine(root, "protocols", "hd-il2-monotherapy.il2"), Path.Combine(root, "protocols", "post-til-il2.il2"), generated];
        var builds = baseline is null ? new[] { ("this build", il2) } : [("baseline", baseline), ("this build", il2)];
        Console.WriteLine($"il2: {il2}{(baseline is null ? "" : $"; baseline: {baseline}")}; {iterations} edits per document and build ({Rounds} rounds) after 3 warm-up edits each; load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| document | lines | build | edit -> diagnostics min | median | p90 | completion median | p90 | hover median | p90 |");
        Console.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var path in documents)
        {
            var results = builds.ToDictionary(b => b.Item1, _ => new Measured([], [], []));
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var (name, exe) in builds)
                {
                    var m = await MeasureAsync(exe, path, Math.Max(1, iterations / Rounds));
                    results[name].Diagnostics.AddRange(m.Diagnostics);
                    results[name].Completion.AddRange(m.Completion);
                    results[name].Hover.AddRange(m.Hover);
                }
            }

            var lines = File.ReadAllLines(path).Length;
            foreach (var (name, m) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileName(path)} | {lines} | {name} | {m.Diagnostics.Min():F1} ms | {Median(m.Diagnostics):F1} ms | {P90(m.Diagnostics):F1} ms | {Median(m.Completion):F2} ms | {P90(m.Completion):F2} ms | {Median(m.Hover):F2} ms | {P90(m.Hover):F2} ms |"));
            }

            if (baseline is not null)
            {
                var (b, t) = (results["baseline"], results["this build"]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileName(path)} | | ratio this / baseline | {t.Diagnostics.Min() / b.Diagnostics.Min():F3} | {Median(t.Diagnostics) / Median(b.Diagnostics):F3} | {P90(t.Diagnostics) / P90(b.Diagnostics):F3} | {Median(t.Completion) / Median(b.Completion):F2} | | {Median(t.Hover) / Median(b.Hover):F2} | |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at the end {LoadAverage()}");
    }

    private sealed record Measured(List<double> Diagnostics, List<double> Completion, List<double> Hover);

    private static async Task<Measured> MeasureAsync(string il2, string path, int iterations)
    {
        await using var session = await ProcessSession.StartAsync(il2);
        var uri = new Uri(path);
        var text = await File.ReadAllTextAsync(path);
        await session.NotifyAsync("textDocument/didOpen", new DidOpenTextDocumentParams(new TextDocumentItem(uri, "il2", 1, text)));
        await session.WaitForDiagnosticsAsync(1, TimeSpan.FromSeconds(120));

        // The edit: the last digit of a threshold in a rule near the middle of the file, toggled between two values.
        var lines = text.Split('\n');
        var line = Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].TrimStart().StartsWith("when ", StringComparison.Ordinal) && lines[i].Any(char.IsAsciiDigit))
            .OrderBy(i => Math.Abs(i - (lines.Length / 2)))
            .First();
        var digit = Array.FindLastIndex(lines[line].ToCharArray(), char.IsAsciiDigit);
        var original = lines[line][digit];
        var other = original == '1' ? '2' : '1';
        var column = lines[line].Length - lines[line].TrimStart().Length;
        var docId = new TextDocumentIdentifier(uri);

        var measured = new Measured([], [], []);
        var version = 1;
        for (var i = 0; i < iterations + 3; i++)
        {
            var replacement = (i % 2 == 0 ? other : original).ToString();
            var sent = Stopwatch.GetTimestamp();
            await session.NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, ++version),
                [new TextDocumentContentChangeEvent(replacement, new IlTwo.LanguageServer.Protocol.Range(new Position(line, digit), new Position(line, digit + 1)))]));
            var received = await session.WaitForDiagnosticsAsync(version, TimeSpan.FromSeconds(60));
            var elapsed = Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds;

            var t0 = Stopwatch.GetTimestamp();
            await session.RequestAsync("textDocument/completion", new CompletionParams(docId, new Position(line, column + "when ".Length)));
            var completion = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            await session.RequestAsync("textDocument/hover", new HoverParams(docId, new Position(line, column + "when ".Length + 1)));
            var hover = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (i >= 3)
            {
                measured.Diagnostics.Add(elapsed);
                measured.Completion.Add(completion);
                measured.Hover.Add(hover);
            }

            // A pause between edits, as between a user's edits.
            await Task.Delay(300);
        }

        return measured;
    }

    private static double Median(List<double> samples) => samples.Order().ElementAt(samples.Count / 2);

    private static double P90(List<double> samples) => samples.Order().ElementAt((int)(samples.Count * 0.9));

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (IlTwo.Dsl.sln) not found");
    }

    /// <summary>An <c>il2 lsp</c> child process with a StreamJsonRpc client on its stdin/stdout.</summary>
    private sealed class ProcessSession : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly JsonRpc _rpc;
        private readonly Channel<(PublishDiagnosticsParams Params, long Ticks)> _diagnostics = Channel.CreateUnbounded<(PublishDiagnosticsParams, long)>();

        private ProcessSession(Process process)
        {
            _process = process;
            var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = ProtocolJson.CreateOptions() };
            _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
            _rpc.AddLocalRpcTarget(new Target(_diagnostics.Writer));
            _rpc.StartListening();
        }

        public static async Task<ProcessSession> StartAsync(string il2)
        {
            var start = il2.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? new ProcessStartInfo("dotnet") { ArgumentList = { il2, "lsp" } }
                : new ProcessStartInfo(il2) { ArgumentList = { "lsp" } };
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            // The shipped settings: no fixed delay from the environment.
            start.Environment.Remove("IL2_LSP_DIAGNOSTICS_DELAY_MS");

            var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {il2}");
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var session = new ProcessSession(process);
            await session.RequestAsync("initialize", new InitializeParams(ProcessId: Environment.ProcessId));
            await session.NotifyAsync("initialized", new { });
            return session;
        }

        public Task<JsonElement> RequestAsync(string method, object parameters) => _rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters);

        public Task NotifyAsync(string method, object parameters) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

        /// <summary>The arrival time of the first diagnostics of <paramref name="version"/>.</summary>
        public async Task<long> WaitForDiagnosticsAsync(int version, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            while (true)
            {
                var (published, ticks) = await _diagnostics.Reader.ReadAsync(cancel.Token);
                if (published.Version == version)
                {
                    return ticks;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _rpc.InvokeWithCancellationAsync<JsonElement?>("shutdown", [], cancel.Token);
                await _rpc.NotifyAsync("exit");
            }
            catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or RemoteInvocationException or ObjectDisposedException)
            {
            }

            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }

            _rpc.Dispose();
            _process.Dispose();
        }

        private sealed class Target(ChannelWriter<(PublishDiagnosticsParams, long)> diagnostics)
        {
            [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
            public void Publish(PublishDiagnosticsParams parameters) => diagnostics.TryWrite((parameters, Stopwatch.GetTimestamp()));
        }
    }
}
