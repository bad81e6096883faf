using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Records;
using IlTwo.Service;
using IlTwo.Service.LoadTest;

// Load test of the CDS Hooks service: signs the shipped post-TIL protocol with throw-away keys, serves it on loopback
// (Kestrel, port 0, in this process), then posts patient-view requests with full prefetch (the hold patient of
// protocols/examples) from 1, 8 and 64 concurrent clients, each level bounded by time and by count. Prints
// throughput, p50/p99/max latency, failures, and managed heap / working set before and after.

if (args.Length > 0 && args[0] == "client")
{
    // The load generator alone, in its own process (IL2_LOADTEST_CLIENT=process): client URL BODY-FILE seconds max levels.
    return await ClientProcess(args[1], File.ReadAllBytes(args[2]), double.Parse(args[3], CultureInfo.InvariantCulture),
        int.Parse(args[4], CultureInfo.InvariantCulture), [.. args[5].Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture))]);
}

var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var maxRequests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var levels = args.Length > 2 ? args[2].Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray() : [1, 8, 64, 8, 1];

var root = FindRoot();
var work = Directory.CreateTempSubdirectory("il2-loadtest-").FullName;
try
{
    var protocols = Path.Combine(work, "protocols");
    Directory.CreateDirectory(protocols);
    using var pharmacist = SigningKey.Create("A. Pharmacist", ApprovalRole.Pharmacist);
    using var physician = SigningKey.Create("B. Physician", ApprovalRole.Physician);
    var info = Sign(root, protocols, pharmacist, physician);

    var options = new ServiceOptions
    {
        ProtocolsDirectory = protocols,
        Trust = new TrustStore([pharmacist.PublicEntry(), physician.PublicEntry()]),
        Urls = ["http://127.0.0.1:0"],
        DecisionLogPath = Path.Combine(work, "decisions.jsonl"),
        AllowUnauthenticatedClients = true,
        Time = new FixedTime(new DateTimeOffset(2026, 3, 4, 6, 0, 0, TimeSpan.Zero)),
    };
    await using var app = ServiceHost.BuildApp(options, Console.Error);
    await app.StartAsync();
    var url = app.Urls.First().TrimEnd('/') + "/cds-services/post-til-il2";

    var record = PatientJsonReader.ReadFile(Path.Combine(root, "protocols", "examples", "post-til-patient.json")).Record!;
    var body = Encoding.UTF8.GetBytes(Request(record, info).ToJsonString());
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
    using var client = new HttpClient(handler);

    // Warm-up: the connection pool, and tiered compilation, which goes on recompiling hot methods (with profile data) for
    // many seconds on a busy machine; measured earlier, a level still paid for the JIT (IL2_LOADTEST_WARMUP seconds, 15).
    await Run(client, url, body, 8, TimeSpan.FromSeconds(WarmUp()), 1_000_000);

    if (Environment.GetEnvironmentVariable("IL2_LOADTEST_SAMPLE") is { Length: > 0 } samplePath)
    {
        using var sample = new ByteArrayContent(body);
        sample.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(url, sample);
        var card = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        File.WriteAllText(samplePath, card!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var discovery = await client.GetStringAsync(app.Urls.First().TrimEnd('/') + "/cds-services");
        File.WriteAllText(samplePath + ".discovery.json", JsonNode.Parse(discovery)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    if (Environment.GetEnvironmentVariable("IL2_LOADTEST_BREAKDOWN") is { Length: > 0 })
    {
        Breakdown.Run(body, Path.Combine(protocols, "il2.post-til-il2.dll"), options.Trust!, record, info);
    }

    var separate = Environment.GetEnvironmentVariable("IL2_LOADTEST_CLIENT") == "process";
    var before = Memory();
    Console.WriteLine($"request body {body.Length} bytes; {seconds} s or {maxRequests} requests per level; {Environment.ProcessorCount} cores; "
        + (separate ? "client in its own process" : "client and server in one process"));
    Console.WriteLine($"memory before: managed heap {before.Heap / 1048576.0:F1} MiB, working set {before.WorkingSet / 1048576.0:F1} MiB");
    if (separate)
    {
        // CPU ms/req is then the server's alone; the client process reports its own beside it.
        Console.WriteLine("| clients | requests | failed | req/s | p50 ms | p99 ms | max ms | client CPU ms/req | server CPU ms/req | heap after, MiB | working set after, MiB | load avg |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var bodyFile = Path.Combine(work, "body.json");
        File.WriteAllBytes(bodyFile, body);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(Result).Assembly.Location, "client", url, bodyFile, seconds.ToString(CultureInfo.InvariantCulture), maxRequests.ToString(CultureInfo.InvariantCulture), string.Join(",", levels) })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        var cpuBefore = ProcessCpu();
        while (await child.StandardOutput.ReadLineAsync() is { } row)
        {
            if (!row.StartsWith('|'))
            {
                cpuBefore = ProcessCpu();
                continue;
            }

            // Each row the client prints ends a level: the server's CPU since the last row, per request of the level.
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var cpu = ProcessCpu();
            var memory = Memory();
            var count = cells.Length > 3 && int.TryParse(cells[2], CultureInfo.InvariantCulture, out var n) ? n : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row} {(count == 0 ? 0 : (cpu - cpuBefore).TotalMilliseconds / count):F2} | {memory.Heap / 1048576.0:F1} | {memory.WorkingSet / 1048576.0:F1} | {LoadAverage()} |"));
            cpuBefore = ProcessCpu();
        }
        await child.WaitForExitAsync();
    }
    else
    {
        Console.WriteLine("| clients | requests | failed | req/s | p50 ms | p99 ms | max ms | CPU ms/req | heap after, MiB | working set after, MiB | load avg |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var level in levels)
        {
            var r = await Run(client, url, body, level, TimeSpan.FromSeconds(seconds), maxRequests);
            var memory = Memory();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {level} | {r.Count} | {r.Failed} | {r.Count / r.Elapsed.TotalSeconds:F0} | {r.P(0.50):F2} | {r.P(0.99):F2} | {r.P(1.0):F2} | {r.CpuPerRequest:F2} | {memory.Heap / 1048576.0:F1} | {memory.WorkingSet / 1048576.0:F1} | {LoadAverage()} |"));
        }
    }
    var after = Memory();
    Console.WriteLine($"memory after: managed heap {after.Heap / 1048576.0:F1} MiB, working set {after.WorkingSet / 1048576.0:F1} MiB");
    Console.WriteLine($"decision log: {File.ReadLines(options.DecisionLogPath).Count()} lines");
    await app.StopAsync();
    return 0;
}
finally
{
    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (IOException)
    {
    }
}

// The load generator in its own process: one row per level, its own CPU per request (the server adds its own).
static async Task<int> ClientProcess(string url, byte[] body, double seconds, int maxRequests, int[] levels)
{
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
    using var client = new HttpClient(handler);
    await Run(client, url, body, 8, TimeSpan.FromSeconds(WarmUp()), 1_000_000);
    // Tells the server process to start counting its CPU here (the warm-up is not a level's).
    Console.WriteLine("warmed up");
    Console.Out.Flush();
    foreach (var level in levels)
    {
        var r = await Run(client, url, body, level, TimeSpan.FromSeconds(seconds), maxRequests);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {level} | {r.Count} | {r.Failed} | {r.Count / r.Elapsed.TotalSeconds:F0} | {r.P(0.50):F2} | {r.P(0.99):F2} | {r.P(1.0):F2} | {r.CpuPerRequest:F2} |"));
        Console.Out.Flush();
    }
    return 0;
}

static double WarmUp() => Environment.GetEnvironmentVariable("IL2_LOADTEST_WARMUP") is { Length: > 0 } w ? double.Parse(w, CultureInfo.InvariantCulture) : 15;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

static TimeSpan ProcessCpu()
{
    using var process = Process.GetCurrentProcess();
    return process.TotalProcessorTime;
}

static (long Heap, long WorkingSet) Memory()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    using var process = Process.GetCurrentProcess();
    return (GC.GetTotalMemory(false), process.WorkingSet64);
}

static async Task<Result> Run(HttpClient client, string url, byte[] body, int clients, TimeSpan duration, int maxRequests)
{
    var latencies = new List<double>[clients];
    var failed = 0;
    var issued = 0;
    var cpuBefore = ProcessCpu();
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
    {
        var mine = latencies[c] = new List<double>(100_000);
        while (clock.Elapsed < duration && Interlocked.Increment(ref issued) <= maxRequests)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await client.PostAsync(url, content);
                var text = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode || text.Length < 100)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failed);
            }
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var elapsed = clock.Elapsed;
    var cpu = ProcessCpu() - cpuBefore;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all, failed, elapsed, cpu);
}

static JsonObject Request(PatientRecord record, IlTwo.Runtime.Protocols.ProtocolInfo info)
{
    var bundle = JsonNode.Parse(FhirBundleWriter.Write(record, info))!.AsObject();
    var entries = bundle["entry"]!.AsArray();
    var patientUrl = (string)entries[0]!["fullUrl"]!;
    var patientId = (string)entries[0]!["resource"]!["id"]!;
    entries = JsonNode.Parse(bundle.ToJsonString().Replace(patientUrl, "Patient/" + patientId, StringComparison.Ordinal))!["entry"]!.AsArray();
    JsonObject Search(string type) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray([.. entries.Where(e => (string?)e!["resource"]!["resourceType"] == type).Select(e => e!.DeepClone())]),
    };
    return new JsonObject
    {
        ["hook"] = "patient-view",
        ["hookInstance"] = Guid.NewGuid().ToString(),
        ["context"] = new JsonObject { ["userId"] = "Practitioner/1", ["patientId"] = patientId },
        ["prefetch"] = new JsonObject
        {
            ["patient"] = entries[0]!["resource"]!.DeepClone(),
            ["observations"] = Search("Observation"),
            ["medicationAdministrations"] = Search("MedicationAdministration"),
            ["procedures"] = Search("Procedure"),
        },
    };
}

static IlTwo.Runtime.Protocols.ProtocolInfo Sign(string root, string folder, SigningKey pharmacist, SigningKey physician)
{
    var source = Path.Combine(folder, "src");
    Directory.CreateDirectory(source);
    foreach (var name in new[] { "hd-il2-monotherapy.il2", "post-til-il2.il2" })
    {
        File.Copy(Path.Combine(root, "protocols", name), Path.Combine(source, name));
    }

    var path = Path.Combine(source, "post-til-il2.il2");
    var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
    var assembly = ProtocolCompiler.Compile(compilation);
    if (!assembly.Success)
    {
        throw new InvalidOperationException(string.Join("\n", assembly.Errors));
    }

    var today = DateOnly.FromDateTime(DateTime.UtcNow);
    var request = new ApprovalRequest(today.AddDays(-1), today.AddMonths(6), "load test");
    var signatures = new ApprovalSignatures([
        pharmacist.Sign(ProtocolApprovals.Approval(compilation, assembly, pharmacist, request, DateTimeOffset.UtcNow)),
        physician.Sign(ProtocolApprovals.Approval(compilation, assembly, physician, request, DateTimeOffset.UtcNow)),
    ]);
    var dll = Path.Combine(folder, assembly.AssemblyName + ".dll");
    File.WriteAllText(ApprovalSignatures.PathForAssembly(dll), signatures.ToJson());
    File.WriteAllBytes(dll, [.. assembly.Assembly]);
    return assembly.Info!;
}

static string FindRoot()
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

internal sealed record Result(double[] Sorted, int Failed, TimeSpan Elapsed, TimeSpan Cpu)
{
    /// <summary>The process's CPU time (client and server, all threads) per request: steadier than latency on a shared machine.</summary>
    public double CpuPerRequest => Sorted.Length == 0 ? 0 : Cpu.TotalMilliseconds / Sorted.Length;

    public int Count => Sorted.Length;

    public double P(double q) => Sorted.Length == 0 ? 0 : Sorted[Math.Min(Sorted.Length - 1, (int)Math.Ceiling(q * Sorted.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * Sorted.Length) - 1)];
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
