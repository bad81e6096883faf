using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using Microsoft.AspNetCore.Builder;

namespace IlTwo.Service.Tests;

/// <summary>Signed builds of the shipped post-TIL protocol (versions 1.0.0 and 1.1.0), made once: keys, assemblies, approvals.</summary>
internal static class Signed
{
    public static readonly DateTimeOffset At = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    private static readonly SigningKey Pharmacist = SigningKey.Create("A. Pharmacist", ApprovalRole.Pharmacist);
    private static readonly SigningKey Physician = SigningKey.Create("B. Physician", ApprovalRole.Physician);

    public static TrustStore Trust { get; } = new([Pharmacist.PublicEntry(), Physician.PublicEntry()]);

    public static string RepositoryRoot { get; } = FindRoot();

    private static readonly Lazy<Build> V1 = new(() => Compile("1.0.0"));
    private static readonly Lazy<Build> V2 = new(() => Compile("1.1.0"));

    public static Build Version1 => V1.Value;

    public static Build Version2 => V2.Value;

    public static ProtocolInfo Info => Version1.Info;

    public sealed record Build(string Version, byte[] Assembly, string Approvals, ProtocolInfo Info, string FileName);

    private static Build Compile(string version)
    {
        var folder = Directory.CreateTempSubdirectory("il2-service-src-").FullName;
        File.Copy(Path.Combine(RepositoryRoot, "protocols", "hd-il2-monotherapy.il2"), Path.Combine(folder, "hd-il2-monotherapy.il2"));
        var path = Path.Combine(folder, "post-til-il2.il2");
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, "protocols", "post-til-il2.il2")).Replace("version 1.0.0", "version " + version, StringComparison.Ordinal);
        File.WriteAllText(path, text);
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        var assembly = ProtocolCompiler.Compile(compilation);
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var request = new ApprovalRequest(today.AddDays(-1), today.AddMonths(6), "service tests");
        var signatures = new ApprovalSignatures([
            Pharmacist.Sign(ProtocolApprovals.Approval(compilation, assembly, Pharmacist, request, DateTimeOffset.UtcNow)),
            Physician.Sign(ProtocolApprovals.Approval(compilation, assembly, Physician, request, DateTimeOffset.UtcNow)),
        ]);
        return new Build(version, [.. assembly.Assembly], signatures.ToJson(), assembly.Info!, assembly.AssemblyName + ".dll");
    }

    /// <summary>Writes the build into <paramref name="folder"/> (approvals first, so a watcher never sees the new dll without them).</summary>
    public static string Install(Build build, string folder)
    {
        var dll = Path.Combine(folder, build.FileName);
        File.WriteAllText(ApprovalSignatures.PathForAssembly(dll), build.Approvals);
        File.WriteAllBytes(dll, build.Assembly);
        return dll;
    }

    private static string FindRoot()
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
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>FHIR data as an EHR sends it in prefetch: the Patient, and searchset bundles per template key.</summary>
internal static class PatientData
{
    public static PatientRecord Example(string name) =>
        PatientJsonReader.ReadFile(Path.Combine(Signed.RepositoryRoot, "protocols", "examples", name)).Record!;

    /// <summary>The record as prefetch: subjects as <c>Patient/{id}</c>, resources split by template key.</summary>
    public static JsonObject Prefetch(PatientRecord record)
    {
        var bundle = JsonNode.Parse(FhirBundleWriter.Write(record, Signed.Info))!.AsObject();
        var entries = bundle["entry"]!.AsArray();
        var patientUrl = (string)entries[0]!["fullUrl"]!;
        var patientId = (string)entries[0]!["resource"]!["id"]!;
        var text = bundle.ToJsonString().Replace(patientUrl, "Patient/" + patientId, StringComparison.Ordinal);
        entries = JsonNode.Parse(text)!["entry"]!.AsArray();
        JsonObject Search(string type) => new()
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray([.. entries.Where(e => (string?)e!["resource"]!["resourceType"] == type)
                .Select(e => (JsonNode)new JsonObject { ["fullUrl"] = e!["fullUrl"]!.DeepClone(), ["resource"] = e["resource"]!.DeepClone() })]),
        };
        return new JsonObject
        {
            ["patient"] = entries[0]!["resource"]!.DeepClone(),
            ["observations"] = Search("Observation"),
            ["medicationAdministrations"] = Search("MedicationAdministration"),
            ["procedures"] = Search("Procedure"),
        };
    }

    /// <summary>A request; the context's patientId is the prefetch patient's unless given.</summary>
    public static JsonObject Request(string hook, JsonObject? prefetch, string? patientId = null, JsonObject? draftOrders = null, string? hookInstance = null)
    {
        patientId ??= (string?)prefetch?["patient"]?["id"] ?? "p1";
        var context = new JsonObject { ["userId"] = "Practitioner/1", ["patientId"] = patientId };
        if (draftOrders is not null)
        {
            context["draftOrders"] = draftOrders;
        }

        var request = new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = hookInstance ?? Guid.NewGuid().ToString(),
            ["context"] = context,
        };
        if (prefetch is not null)
        {
            request["prefetch"] = prefetch;
        }

        return request;
    }

    public static JsonObject DraftOrder(string text, string? code = null) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "collection",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "MedicationRequest",
                ["id"] = "draft-1",
                ["status"] = "draft",
                ["intent"] = "order",
                ["medicationCodeableConcept"] = code is null
                    ? new JsonObject { ["text"] = text }
                    : new JsonObject { ["text"] = text, ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = code }) },
            },
        }),
    };
}

/// <summary>The service on a real Kestrel on loopback (port 0) over a folder of protocols, with an HttpClient.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    public string Folder { get; }
    public string LogPath { get; }
    public StringWriter Log { get; } = new();
    public WebApplication App { get; }
    public HttpClient Client { get; }
    public string BaseUrl { get; }

    private RunningService(string folder, ServiceOptions options)
    {
        Folder = folder;
        LogPath = options.DecisionLogPath;
        App = ServiceHost.BuildApp(options, Log);
        App.StartAsync().GetAwaiter().GetResult();
        BaseUrl = App.Urls.First().TrimEnd('/');
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public static RunningService Start(Action<string>? populate = null, Func<ServiceOptions, ServiceOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("il2-service-").FullName;
        var protocols = Path.Combine(folder, "protocols");
        Directory.CreateDirectory(protocols);
        if (populate is null)
        {
            Signed.Install(Signed.Version1, protocols);
        }
        else
        {
            populate(protocols);
        }

        var options = new ServiceOptions
        {
            ProtocolsDirectory = protocols,
            Trust = Signed.Trust,
            Urls = ["http://127.0.0.1:0"],
            DecisionLogPath = Path.Combine(folder, "decisions.jsonl"),
            AllowUnauthenticatedClients = true,
            Time = new FixedTime(Signed.At),
            MaxRequestBodyBytes = 1024 * 1024,
        };
        return new RunningService(folder, configure?.Invoke(options) ?? options);
    }

    public string Protocols => Path.Combine(Folder, "protocols");

    public async Task<(int Status, JsonNode? Body)> Post(string path, JsonNode body) => await Send(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public async Task<(int Status, JsonNode? Body)> Send(string path, HttpContent content)
    {
        using var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> Discovery() => (await Client.GetFromJsonAsync<JsonNode>("/cds-services"))!;

    public List<JsonObject> DecisionLog() => File.Exists(LogPath)
        ? [.. File.ReadAllLines(LogPath).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())]
        : [];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
