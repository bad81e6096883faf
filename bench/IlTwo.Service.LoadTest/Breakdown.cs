using System.Diagnostics;
using System.Globalization;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Service.LoadTest;

/// <summary>Where a request's time goes, single-threaded: the stages of <c>CdsService.Decide</c> one by one (IL2_LOADTEST_BREAKDOWN=1).</summary>
internal static class Breakdown
{
    public static void Run(byte[] body, string dll, TrustStore trust, PatientRecord record, ProtocolInfo info)
    {
        using var protocol = CompiledProtocol.Load(dll, new CompiledProtocolLoadOptions { Trust = trust });
        var at = new DateTimeOffset(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);
        using var request = CdsRequest.Parse(body, out _)!;
        var parts = Prefetch.RequiredKeys.Select(k => request.PrefetchValue(k)!.Value).ToList();
        var read = FhirBundleReader.Read(parts, null, info, at);
        if (!read.Succeeded)
        {
            throw new InvalidOperationException("the load test's prefetch does not read: " + string.Join("; ", read.Errors.Select(e => e.Message)));
        }

        var decision = protocol.Evaluate(read.Record!, at, null, read.Issues);
        Console.WriteLine("| part | fastest round, us | median round, us | median CPU, us | allocated, kB |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        if (Environment.GetEnvironmentVariable("IL2_LOADTEST_PROFILE") is { Length: > 0 })
        {
            // For a sampling profiler (dotnet-trace): the FHIR read alone, for a minute.
            var until = Stopwatch.StartNew();
            while (until.Elapsed < TimeSpan.FromMinutes(1))
            {
                FhirBundleReader.Read(parts, null, info, at);
            }
        }

        // The first part timed runs while the rest of the process is still warming up: a throw-away round.
        Time("(warm-up, not a part)", () => System.Text.Json.JsonDocument.Parse(body).Dispose());
        Time("JsonDocument.Parse of the body", () => System.Text.Json.JsonDocument.Parse(body).Dispose());
        Time("parse the request once (CdsRequest.Parse: JsonDocument, no repeated names)", () => CdsRequest.Parse(body, out _)!.Dispose());
        Time("FhirBundleReader.Read of the prefetch parts (fast path)", () => FhirBundleReader.Read(parts, null, info, at));
        Time("  of which building the Firely objects (FhirFastBundle)", () => FhirFastBundle.TryRead(parts, null));
        Time("FhirBundleReader.Read, the full way (merge, shape check, Firely)", () => FhirBundleReader.Read(parts, null, info, at, fast: false));
        Time("  of which merging the parts into one bundle's text", () => FhirBundleParts.Merge(parts, null));
        Time("CompiledProtocol.Evaluate", () => protocol.Evaluate(read.Record!, at, null, read.Issues));
        Time("DecisionLog.Format", () => DecisionLog.Format(decision, read.Record));
        Time("the card (summary, Markdown detail)", () => Cards.Card("id", Cards.Summary(decision), Cards.Indicator(decision.Action), Cards.Detail(decision, info, read.Warnings), Cards.Source(info, "http://x")));
    }

    // The machine is shared: each part runs in 20 rounds of 200 after a warm-up, and the fastest round's mean is shown
    // (the least disturbed by other processes), with the median round and the median CPU time (process, all threads) beside it.
    private static void Time(string what, Action action)
    {
        // Warm-up long enough for tiered compilation to reach its optimised code on a busy machine.
        for (var w = 0; w < 5; w++)
        {
            for (var i = 0; i < 200; i++)
            {
                action();
            }

            Thread.Sleep(100);
        }

        const int n = 200;
        var rounds = new double[20];
        var cpu = new double[rounds.Length];
        for (var r = 0; r < rounds.Length; r++)
        {
            var cpuBefore = ProcessCpu();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                action();
            }

            rounds[r] = clock.Elapsed.TotalMicroseconds / n;
            cpu[r] = (ProcessCpu() - cpuBefore).TotalMicroseconds / n;
        }
        Array.Sort(rounds);
        Array.Sort(cpu);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        action();
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {rounds[0]:F0} | {rounds[rounds.Length / 2]:F0} | {cpu[cpu.Length / 2]:F0} | {allocated:F1} |"));
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
