using System.Diagnostics;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.LanguageServer.Benchmarks;

internal static class Probe
{
    public static void Run()
    {
        var text = IlTwo.Benchmarks.ProtocolGenerator.Generate(5000);
        var options = new ProtocolCompilationOptions { Analyze = false };
        for (var i = 0; i < 15; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var tree = SyntaxTree.Parse(SourceText.From(text, "/tmp/g.il2"));
            var parse = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            var c = ProtocolCompilation.Create(SourceText.From(text, "/tmp/g.il2"), null, options);
            var bound = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            var d = IlTwo.LanguageServer.Workspace.DiagnosticConverter.Convert(c.Diagnostics);
            var conv = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            Console.WriteLine($"parse {parse:F1} parse+bind {bound:F1} convert {conv:F1} ({c.Diagnostics.Length} diags, {tree.Tokens.Length} tokens)");
        }
    }
}
