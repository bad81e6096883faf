using System.Text;

namespace IlTwo.Debugger.Tests;

/// <summary>Bad files, protocols with errors, unknown names and broken messages: error responses with a code, never a crash.</summary>
public sealed class BadInputTests
{
    private static async Task<string> LaunchError(object arguments)
    {
        await using var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2" });
        var response = await client.Request("launch", arguments);
        Assert.False(response["success"]!.GetValue<bool>());
        var message = response["message"]!.GetValue<string>();
        Assert.Equal(message, response["body"]!["error"]!["format"]!.GetValue<string>());
        // The session survives a refused launch: a later request is still answered.
        Assert.True((await client.Request("threads"))["success"]!.GetValue<bool>());
        return message;
    }

    [Fact]
    public async Task A_missing_file_is_refused_with_its_path_and_code()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.il2");
        var message = await LaunchError(new { program = path });
        Assert.Equal($"DAP0002: {path}: no such file", message);
    }

    [Fact]
    public async Task A_launch_without_a_program_is_refused()
    {
        Assert.StartsWith("DAP0001: ", await LaunchError(new { stopOnEntry = true }));
    }

    [Fact]
    public async Task A_protocol_with_errors_is_refused_with_the_first_error_located_and_its_IL_code()
    {
        var text = File.ReadAllText(Protocols.Monotherapy).Replace("when sbp < 90 mm[Hg]", "when sbp < 90 mmHg", StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("il2-dap-").FullName;
        var path = Path.Combine(folder, "hd-il2-monotherapy.il2");
        File.WriteAllText(path, text);
        var line = Protocols.Line(path, "  when sbp < 90 mmHg");

        var message = await LaunchError(new { program = path });
        Assert.StartsWith($"DAP0003: {path}({line},", message);
        Assert.Contains("error IL0201", message);
    }

    [Fact]
    public async Task An_unknown_scenario_is_refused_with_the_closest_title()
    {
        var message = await LaunchError(new { program = Protocols.Monotherapy, scenario = "SBP 84 mmHg holds the dose" });
        Assert.StartsWith("DAP0004: ", message);
        Assert.Contains("no scenario \"SBP 84 mmHg holds the dose\" in hd-il2-monotherapy (did you mean \"SBP 84 mm[Hg] holds the dose\"?)", message);
    }

    [Fact]
    public async Task Requests_out_of_order_or_unknown_are_refused_with_their_codes()
    {
        await using var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2" });
        Assert.StartsWith("DAP0006: ", (await client.Request("stackTrace", new { threadId = 1 }))["message"]!.GetValue<string>());
        Assert.StartsWith("DAP0007: ", (await client.Request("goto", new { threadId = 1, targetId = 1 }))["message"]!.GetValue<string>());
        await client.Ok("launch", new { program = Protocols.Monotherapy, scenario = "SBP 84 mm[Hg] holds the dose" });
        Assert.StartsWith("DAP0006: ", (await client.Request("next", new { threadId = 1 }))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evaluating_an_unknown_name_is_an_error_with_the_closest_observation()
    {
        await using var client = await Protocols.Launch(Protocols.Monotherapy, "SBP 84 mm[Hg] holds the dose", stopOnEntry: true);
        await client.Event("stopped");
        var response = await client.Request("evaluate", new { expression = "spb", frameId = 1 });
        Assert.False(response["success"]!.GetValue<bool>());
        Assert.Contains("DAP0008: 'spb' is not an observation", response["message"]!.GetValue<string>());
        Assert.Contains("(did you mean 'sbp'?)", response["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Input_that_is_not_DAP_ends_the_adapter_with_exit_code_1_instead_of_a_crash()
    {
        await using var client = DapClient.InProcess();
        await client.SendBytes(Encoding.ASCII.GetBytes("Content-Length: nonsense\r\n\r\n{}"));
        Assert.Equal(1, await client.AdapterRun!.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_message_that_is_not_JSON_ends_the_adapter_with_exit_code_1()
    {
        await using var client = DapClient.InProcess();
        await client.SendRaw(Encoding.UTF8.GetBytes("{\"seq\": 1, \"type\": "));
        Assert.Equal(1, await client.AdapterRun!.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Arguments of the wrong type for every request, before and while stopped: each gets a response.</summary>
    [Fact]
    public async Task Every_request_with_arguments_of_the_wrong_type_is_answered_and_the_session_goes_on()
    {
        var commands = new[]
        {
            "initialize", "setBreakpoints", "setExceptionBreakpoints", "threads", "stackTrace", "scopes", "variables", "evaluate",
            "next", "stepIn", "stepOut", "continue", "pause", "launch",
        };
        var wrong = new { program = 7, scenario = false, frameId = "x", variablesReference = "y", source = 5, breakpoints = "z", expression = 3, startFrame = "a", levels = -4 };
        await using var client = await Protocols.Launch(Protocols.Monotherapy, "SBP 84 mm[Hg] holds the dose", stopOnEntry: true);
        await client.Event("stopped");
        foreach (var command in commands)
        {
            var response = await client.Request(command, wrong);
            Assert.Equal(command, response["command"]!.GetValue<string>());
            if (!response["success"]!.GetValue<bool>())
            {
                Assert.Matches("^DAP00[0-9][0-9]: ", response["message"]!.GetValue<string>());
            }
        }

        // A message that is not a request, and one whose type is not a string, are ignored.
        await client.SendRaw(System.Text.Encoding.UTF8.GetBytes("{\"seq\": 90, \"type\": 5, \"command\": \"threads\"}"));
        await client.SendRaw(System.Text.Encoding.UTF8.GetBytes("{\"seq\": 91, \"type\": \"response\", \"request_seq\": 1}"));
        // 'continue' ran the scenario to its end: the session ended normally and still answers.
        Assert.Single((System.Text.Json.Nodes.JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!);
        Assert.True((await client.Request("threads"))["success"]!.GetValue<bool>());
    }
}
