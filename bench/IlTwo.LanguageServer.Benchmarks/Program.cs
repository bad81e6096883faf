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

if (args is ["probe", "scaling"]) { Probe.Scaling(); return; }

// `... -- probe edits N`: N incremental parse+bind edits of the generated protocol and nothing else (for a profiler).
if (args is ["probe", "edits", var edits]) { Probe.Edits(int.Parse(edits, System.Globalization.CultureInfo.InvariantCulture)); return; }

// `... -- outside [IL2] [N] [--baseline OTHER_IL2]`: edit -> diagnostics from outside, the real `il2 lsp` process
// (default: the Release build's il2.dll), against a baseline build in the same run when given.
if (args is ["outside", .. var outside])
{
    string? baseline = null;
    var at = Array.IndexOf(outside, "--baseline");
    if (at >= 0 && at + 1 < outside.Length)
    {
        baseline = outside[at + 1];
        outside = [.. outside[..at], .. outside[(at + 2)..]];
    }

    var il2 = outside.Length > 0 && !int.TryParse(outside[0], out _) ? outside[0]
        : Path.Combine(OutsideHarness.FindRoot(), "src", "IlTwo.Cli", "bin", "Release", "net10.0", "il2.dll");
    var count = outside.LastOrDefault() is { } last && int.TryParse(last, out var parsed) ? parsed : 30;
    await OutsideHarness.RunAsync(il2, count, baseline);
    return;
}

await Harness.RunAsync(iterations: args.Length > 0 && int.TryParse(args[0], out var n) ? n : 30);
