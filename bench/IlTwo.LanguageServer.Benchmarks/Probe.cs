using System.Diagnostics;
using System.Globalization;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>
/// Front-end stage times of one edit (a digit of a threshold near the middle toggled), no server: the full parse, the
/// incremental parse, the full and the incremental parse+bind (medians of 20 edits after 5 warm-up ones), the analysis round and the
/// conversion of its diagnostics (medians of 3).
/// </summary>
internal static class Probe
{
    /// <summary>Parse and parse+bind of generated protocols of growing size: whether binding grows faster than the text.</summary>
    public static void Scaling()
    {
        var options = new ProtocolCompilationOptions { Analyze = false };
        foreach (var lines in new[] { 1000, 2500, 5000, 10000 })
        {
            var source = SourceText.From(IlTwo.Benchmarks.ProtocolGenerator.Generate(lines), "/tmp/generated.il2");
            var parse = new List<double>();
            var bound = new List<double>();
            for (var i = 0; i < 9; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                SyntaxTree.Parse(source);
                parse.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                ProtocolCompilation.Create(source, null, options);
                bound.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{lines} lines: parse {parse.Order().ElementAt(4):F1} ms, parse+bind {bound.Order().ElementAt(4):F1} ms"));
        }
    }

    /// <summary>Only incremental parse+bind edits of the generated 5,000-line protocol, for a profiler to sample.</summary>
    public static void Edits(int count)
    {
        var text = IlTwo.Benchmarks.ProtocolGenerator.Generate(5000);
        var versions = ToggledVersions(text);
        var options = new ProtocolCompilationOptions { Analyze = false };
        var previous = ProtocolCompilation.Create(SourceText.From(text, "/tmp/generated.il2"), null, options);
        var times = new List<double>();
        var bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            previous = ProtocolCompilation.Create(SourceText.From(versions[(i + 1) % 2], "/tmp/generated.il2"), null, options, previous);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} edits: incremental parse+bind median {times.Order().ElementAt(count / 2):F2} ms, min {times.Min():F2} ms, {(GC.GetAllocatedBytesForCurrentThread() - bytes0) / count:N0} B allocated per edit"));
        var tree = previous.SyntaxTree;
        var parseBytes = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            tree = SyntaxTree.Parse(SourceText.From(versions[i % 2], "/tmp/generated.il2"), tree);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"of which the incremental parse (with the source text): {(GC.GetAllocatedBytesForCurrentThread() - parseBytes) / count:N0} B per edit"));
    }

    /// <summary>The text and the text with the last digit of a threshold near the middle toggled.</summary>
    private static string[] ToggledVersions(string text)
    {
        var at = text.IndexOf("when ", text.Length / 2, StringComparison.Ordinal) is var middle and >= 0 ? middle : text.IndexOf("when ", StringComparison.Ordinal);
        var digit = text.IndexOfAny("0123456789".ToCharArray(), at);
        return [text, text[..digit] + (text[digit] == '1' ? '2' : '1') + text[(digit + 1)..]];
    }

    public static void Run()
    {
        var root = OutsideHarness.FindRoot();
        var documents = new (string Name, string Path, string Text)[]
        {
            ("hd-il2-monotherapy.il2", Path.Combine(root, "protocols", "hd-il2-monotherapy.il2"), File.ReadAllText(Path.Combine(root, "protocols", "hd-il2-monotherapy.il2"))),
            ("post-til-il2.il2", Path.Combine(root, "protocols", "post-til-il2.il2"), File.ReadAllText(Path.Combine(root, "protocols", "post-til-il2.il2"))),
            ("generated.il2", "/tmp/generated.il2", IlTwo.Benchmarks.ProtocolGenerator.Generate(5000)),
        };
        var options = new ProtocolCompilationOptions { Analyze = false };
        Console.WriteLine("| document | full parse | incremental parse | full parse+bind | incremental parse+bind | analysis | convert |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, path, text) in documents)
        {
            var versions = ToggledVersions(text);
            var samples = new List<double>[6];
            for (var k = 0; k < samples.Length; k++)
            {
                samples[k] = [];
            }

            var previous = ProtocolCompilation.Create(SourceText.From(text, path), null, options);
            for (var i = 0; i < 25; i++)
            {
                var source = SourceText.From(versions[(i + 1) % 2], path);
                var t0 = Stopwatch.GetTimestamp();
                SyntaxTree.Parse(source);
                samples[0].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                SyntaxTree.Parse(source, previous.SyntaxTree);
                samples[1].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                ProtocolCompilation.Create(source, null, options);
                samples[2].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                var compilation = ProtocolCompilation.Create(source, null, options, previous);
                samples[3].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                previous = compilation;
            }

            // The analysis round (seconds on the generated protocol): a few times, on the last version.
            for (var i = 0; i < 3; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var analysed = previous.WithAnalysis();
                samples[4].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                IlTwo.LanguageServer.Workspace.DiagnosticConverter.Convert(analysed.Diagnostics);
                samples[5].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {string.Join(" | ", samples.Select(s => $"{s.Skip(s.Count > 5 ? 5 : 0).Order().ElementAt((s.Count - (s.Count > 5 ? 5 : 0)) / 2):F2} ms"))} |"));
        }
    }
}
