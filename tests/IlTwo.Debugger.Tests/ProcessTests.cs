using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Tests;

/// <summary>The real <c>il2 dap</c> process over its stdin and stdout: what the VS Code extension starts.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task Il2_dap_stops_at_a_breakpoint_shows_a_variable_and_exits_0_after_disconnect()
    {
        var il2 = Path.Combine(AppContext.BaseDirectory, "il2.dll");
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule creatinine-high");
        await using var client = DapClient.Process(il2);
        await client.Ok("initialize", new { adapterID = "il2", linesStartAt1 = true });
        await client.Ok("launch", new { program = Protocols.Monotherapy, scenario = "creatinine 2.6 mg/dL holds" });
        await client.Event("initialized");
        await client.Ok("setBreakpoints", new { source = new { path = Protocols.Monotherapy }, breakpoints = new[] { new { line = ruleLine } } });
        await client.Ok("configurationDone");
        Assert.Equal("breakpoint", (await client.Event("stopped"))["body"]!["reason"]!.GetValue<string>());

        var frames = (JsonArray)(await client.Ok("stackTrace", new { threadId = 1 }))!["stackFrames"]!;
        Assert.Equal("hold rule creatinine-high", frames[0]!["name"]!.GetValue<string>());
        var evaluated = await client.Ok("evaluate", new { expression = "creatinine", frameId = 2, context = "hover" });
        Assert.StartsWith("2.6 mg/dL, ", evaluated!["result"]!.GetValue<string>());

        await client.Ok("continue", new { threadId = 1 });
        var decision = Assert.Single((JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!)!;
        Assert.Equal("hold", decision["action"]!.GetValue<string>());
        await client.Ok("disconnect");
        Assert.Equal(0, await client.AdapterRun!.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
