using BenchmarkDotNet.Attributes;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Benchmarks;

/// <summary>The front end on a generated 5,000-line protocol: parsing alone, and the whole pipeline (parse, bind, analyse).</summary>
[MemoryDiagnoser]
public class ParseAndBindBenchmarks
{
    private SourceText _text = SourceText.From("");

    [Params(5000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = SourceText.From(ProtocolGenerator.Generate(Lines), "generated.il2");
        var errors = ProtocolCompilation.Create(_text).Diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"the generated protocol has {errors.Count} error(s); first: {errors[0].ToCompilerFormat()}");
        }
    }

    [Benchmark(Baseline = true)]
    public SyntaxTree Parse() => SyntaxTree.Parse(_text);

    [Benchmark]
    public ProtocolCompilation ParseBindAnalyze() => ProtocolCompilation.Create(_text);
}
