using BenchmarkDotNet.Running;
using IlTwo.LanguageServer.Benchmarks;

// `dotnet run -c Release --project bench/IlTwo.LanguageServer.Benchmarks` prints medians (the harness);
// `... -- bdn` runs the same operations under BenchmarkDotNet.
if (args is ["bdn", .. var rest])
{
    BenchmarkRunner.Run<LanguageServerBenchmarks>(args: rest);
    return;
}

if (args is ["probe"]) { Probe.Run(); return; }
await Harness.RunAsync(iterations: args.Length > 0 && int.TryParse(args[0], out var n) ? n : 30);
