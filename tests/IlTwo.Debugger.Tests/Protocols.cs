using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Tests;

/// <summary>The shipped protocols, lines found by their text, and the requests every session test repeats.</summary>
internal static class Protocols
{
    public static string Root { get; } = FindRoot();

    public static string Monotherapy => Path.Combine(Root, "protocols", "hd-il2-monotherapy.il2");

    public static string PostTil => Path.Combine(Root, "protocols", "post-til-il2.il2");

    /// <summary>The 1-based line of the first line of <paramref name="path"/> that starts with <paramref name="start"/>.</summary>
    public static int Line(string path, string start)
    {
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line starting '{start}' in {path}");
        return index + 1;
    }

    public static async Task<DapClient> Launch(string program, string? scenario, bool stopOnEntry = false, params int[] breakpoints)
    {
        var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2", linesStartAt1 = true, columnsStartAt1 = true });
        await client.Ok("launch", scenario is null ? new { program, stopOnEntry } : (object)new { program, scenario, stopOnEntry });
        await client.Event("initialized");
        if (breakpoints.Length > 0)
        {
            await client.Ok("setBreakpoints", new { source = new { path = program }, breakpoints = breakpoints.Select(line => new { line }).ToArray() });
        }
        await client.Ok("configurationDone");
        return client;
    }

    public static async Task<JsonArray> Frames(DapClient client) => (JsonArray)(await client.Ok("stackTrace", new { threadId = 1 }))!["stackFrames"]!;

    /// <summary>The variables of a scope of a frame, by name.</summary>
    public static async Task<Dictionary<string, JsonObject>> Scope(DapClient client, int frameId, string scope)
    {
        var scopes = (JsonArray)(await client.Ok("scopes", new { frameId }))!["scopes"]!;
        var found = scopes.Select(s => s!.AsObject()).FirstOrDefault(s => s["name"]!.GetValue<string>() == scope);
        Assert.True(found is not null, $"no scope '{scope}' in frame {frameId}: {scopes.ToJsonString()}");
        return await Children(client, found["variablesReference"]!.GetValue<int>());
    }

    public static async Task<Dictionary<string, JsonObject>> Children(DapClient client, int reference)
    {
        Assert.True(reference > 0, "the variable has no children");
        var variables = (JsonArray)(await client.Ok("variables", new { variablesReference = reference }))!["variables"]!;
        return variables.Select(v => v!.AsObject()).ToDictionary(v => v["name"]!.GetValue<string>());
    }

    public static string Value(this JsonObject variable) => variable["value"]!.GetValue<string>();

    public static int Reference(this JsonObject variable) => variable["variablesReference"]!.GetValue<int>();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }
}
