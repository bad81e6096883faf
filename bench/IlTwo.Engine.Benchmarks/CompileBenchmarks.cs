using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// From source to assembly bytes: parse, bind (with the extends chain), analyse, generate C#, Roslyn compile and
/// emit. The sources are read in GlobalSetup and resolved from memory, so no disk I/O is timed.
/// </summary>
public abstract class CompileBenchmarksBase
{
    private SourceText _source = null!;
    private InMemoryResolver _resolver = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = BenchmarkData.ProtocolsFolder;
        var path = Path.Combine(folder, BenchmarkData.ProtocolFile);
        var basePath = Path.Combine(folder, BenchmarkData.BaseProtocolFile);
        _source = SourceText.FromBytes(File.ReadAllBytes(path), path);
        _resolver = new InMemoryResolver("hd-il2-monotherapy", SourceText.FromBytes(File.ReadAllBytes(basePath), basePath));
    }

    protected int CompileOnce()
    {
        var compilation = ProtocolCompilation.Create(_source, _resolver);
        var assembly = ProtocolCompiler.Compile(compilation);
        if (!assembly.Success)
        {
            throw new InvalidOperationException(string.Join("; ", assembly.Errors));
        }

        return assembly.Assembly.Length;
    }

    private sealed class InMemoryResolver(string id, SourceText text) : IProtocolSourceResolver
    {
        public SourceText? Resolve(string protocolId, SourceText requestingFile) => protocolId == id ? text : null;
    }
}

/// <summary>The first compile in a fresh process (JIT of the front end and Roslyn, reference loading): 5 processes, one compile each.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 5, warmupCount: 0, iterationCount: 1)]
public class ColdCompileBenchmarks : CompileBenchmarksBase
{
    [Benchmark]
    public int ColdCompile() => CompileOnce();
}

/// <summary>The steady-state compile (what the language server or a build of many protocols sees).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class WarmCompileBenchmarks : CompileBenchmarksBase
{
    [Benchmark]
    public int WarmCompile() => CompileOnce();
}
