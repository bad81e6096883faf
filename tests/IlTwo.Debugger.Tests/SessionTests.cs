using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Tests;

/// <summary>Whole sessions against the adapter in process: breakpoints, the stack, the Variables view, steps and the end.</summary>
public sealed class SessionTests
{
    private const string Sbp84 = "SBP 84 mm[Hg] holds the dose";

    [Fact]
    public async Task A_breakpoint_on_a_rule_stops_there_with_the_value_it_read_then_next_and_continue_reach_the_decision()
    {
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule sbp-below-90");
        var scenarioLine = Protocols.Line(Protocols.Monotherapy, $"scenario \"{Sbp84}\"");
        await using var client = await Protocols.Launch(Protocols.Monotherapy, Sbp84, breakpoints: ruleLine);

        var stopped = await client.Event("stopped");
        Assert.Equal("breakpoint", stopped["body"]!["reason"]!.GetValue<string>());

        var frames = await Protocols.Frames(client);
        Assert.Equal(2, frames.Count);
        Assert.Equal("hold rule sbp-below-90", frames[0]!["name"]!.GetValue<string>());
        Assert.Equal(ruleLine, frames[0]!["line"]!.GetValue<int>());
        Assert.Equal(1, frames[0]!["column"]!.GetValue<int>());
        Assert.Equal(Protocols.Monotherapy, frames[0]!["source"]!["path"]!.GetValue<string>());
        Assert.Equal($"scenario \"{Sbp84}\"", frames[1]!["name"]!.GetValue<string>());
        Assert.Equal(scenarioLine, frames[1]!["line"]!.GetValue<int>());

        var rule = await Protocols.Scope(client, frames[0]!["id"]!.GetValue<int>(), "Rule");
        Assert.Equal("true", rule["value"].Value());
        Assert.Equal("sbp < 90 mm[Hg]", rule["when"].Value());
        var inputs = await Protocols.Children(client, rule["inputs"].Reference());
        Assert.StartsWith("84 mm[Hg], ", inputs["sbp"].Value());
        Assert.Contains("(60 min ago)", inputs["sbp"].Value());

        var scenario = await Protocols.Scope(client, frames[0]!["id"]!.GetValue<int>(), "Scenario");
        Assert.Equal("hold because sbp-below-90", scenario["expect"].Value());
        Assert.Equal("70 kg", scenario["weight"].Value());
        var observations = await Protocols.Children(client, scenario["observations"].Reference());
        Assert.StartsWith("84 mm[Hg]", observations["sbp"].Value());

        await client.Ok("next", new { threadId = 1 });
        Assert.Equal("step", (await client.Event("stopped"))["body"]!["reason"]!.GetValue<string>());
        frames = await Protocols.Frames(client);
        Assert.Equal("hold rule spo2-below-90", frames[0]!["name"]!.GetValue<string>());
        var soFar = await Protocols.Scope(client, frames[0]!["id"]!.GetValue<int>(), "Decision so far");
        Assert.Equal("hold: sbp-below-90", soFar["so far"].Value());

        await client.Ok("continue", new { threadId = 1 });
        var output = await client.Event("output");
        Assert.Contains($"scenario \"{Sbp84}\": hold because sbp-below-90 (passed)", output["body"]!["output"]!.GetValue<string>());
        Assert.Equal(0, (await client.Event("exited"))["body"]!["exitCode"]!.GetValue<int>());
        var decisions = (JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!;
        var decision = Assert.Single(decisions)!;
        Assert.Equal("hold", decision["action"]!.GetValue<string>());
        Assert.Equal(["sbp-below-90"], decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));

        await client.Ok("disconnect");
        Assert.Equal(0, await client.AdapterRun!);
    }

    [Fact]
    public async Task A_value_charted_in_another_unit_is_shown_as_charted_and_converted_to_the_declared_unit()
    {
        const string title = "creatinine 221 umol/L is reported as 2.5 mg/dL and holds";
        await using var client = await Protocols.Launch(Protocols.Monotherapy, title, stopOnEntry: true);
        Assert.Equal("entry", (await client.Event("stopped"))["body"]!["reason"]!.GetValue<string>());

        var scenario = await Protocols.Scope(client, 1, "Scenario");
        var observations = await Protocols.Children(client, scenario["observations"].Reference());
        var creatinine = observations["creatinine"];
        Assert.StartsWith("2.5 mg/dL (charted 221 umol/L), ", creatinine.Value());
        var details = await Protocols.Children(client, creatinine.Reference());
        Assert.Equal("mg/dL", details["declared unit"].Value());
        Assert.Equal("24 h", details["within"].Value());
        var latest = await Protocols.Children(client, details["[0]"].Reference());
        Assert.Equal("221 umol/L", latest["charted"].Value());
        Assert.Equal("2.5 mg/dL", latest["converted"].Value());
        Assert.Equal("yes", latest["counts"].Value());

        var evaluated = await client.Ok("evaluate", new { expression = "creatinine", frameId = 1, context = "watch" });
        Assert.Equal(creatinine.Value(), evaluated!["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Step_in_walks_an_and_condition_part_by_part_with_each_three_valued_result_and_step_out_leaves_the_rule()
    {
        // 900 mL 12 h ago and 1200 mL 4 h ago: this shift's 1200 mL is >= 1000 mL, the shift before's 900 mL is not.
        const string title = "diarrhoea of 1200 mL after 900 mL in the shift before holds";
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "discontinue rule diarrhea-two-shifts");
        await using var client = await Protocols.Launch(Protocols.Monotherapy, title, breakpoints: ruleLine);
        await client.Event("stopped");

        var rule = await Protocols.Scope(client, 2, "Rule");
        Assert.Equal("false", rule["value"].Value());
        var inputs = await Protocols.Children(client, rule["inputs"].Reference());
        var shift = inputs["sum(diarrhea, last 8 h)"];
        Assert.StartsWith("1200 mL over 1 value", shift.Value());
        Assert.Equal("last 8 h", (await Protocols.Children(client, shift.Reference()))["window"].Value());
        Assert.StartsWith("2100 mL over 2 values", inputs["sum(diarrhea, last 16 h)"].Value());

        await client.Ok("stepIn", new { threadId = 1 });
        await client.Event("stopped");
        var frames = await Protocols.Frames(client);
        Assert.Equal(3, frames.Count);
        Assert.Equal(ruleLine + 1, frames[0]!["line"]!.GetValue<int>());
        var condition = await Protocols.Scope(client, 3, "Condition");
        Assert.Equal("false", condition["value"].Value());
        Assert.StartsWith("true: sum(diarrhea, last 8 h) >= 1000 mL", condition["and: left"].Value());
        Assert.StartsWith("false: sum(diarrhea, last 16 h) - sum(diarrhea, last 8 h) >= 1000 mL", condition["and: right"].Value());

        await client.Ok("stepIn", new { threadId = 1 });
        await client.Event("stopped");
        frames = await Protocols.Frames(client);
        Assert.Equal(4, frames.Count);
        Assert.Equal("when sum(diarrhea, last 8 h) >= 1000 mL", frames[0]!["name"]!.GetValue<string>());
        var left = await Protocols.Scope(client, 4, "Condition");
        Assert.Equal("true", left["value"].Value());
        Assert.StartsWith("1200 mL", left["left: sum(diarrhea, last 8 h)"].Value());
        Assert.Equal("1000 mL", left["right"].Value());

        await client.Ok("next", new { threadId = 1 });
        await client.Event("stopped");
        frames = await Protocols.Frames(client);
        Assert.Equal("when sum(diarrhea, last 16 h) - sum(diarrhea, last 8 h) >= 1000 mL", frames[0]!["name"]!.GetValue<string>());
        Assert.Equal("false", (await Protocols.Scope(client, 4, "Condition"))["value"].Value());

        // Out of the condition: the next rule (the condition was evaluated before its parts).
        await client.Ok("stepOut", new { threadId = 1 });
        await client.Event("stopped");
        frames = await Protocols.Frames(client);
        Assert.Equal(2, frames.Count);
        Assert.Equal(Protocols.Line(Protocols.Monotherapy, "hold rule ileus"), frames[0]!["line"]!.GetValue<int>());

        // Out of the rule: out of the scenario, the only one launched, to its decision.
        await client.Ok("stepOut", new { threadId = 1 });
        var decision = Assert.Single((JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!)!;
        Assert.Equal("hold", decision["action"]!.GetValue<string>());
        Assert.Equal(["diarrhea-shift"], decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Missing_data_shows_as_unknown_and_the_decision_so_far_holds()
    {
        const string title = "a blood pressure older than 4 hours holds for missing data";
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule sbp-below-90");
        await using var client = await Protocols.Launch(Protocols.Monotherapy, title, breakpoints: ruleLine);
        await client.Event("stopped");
        var rule = await Protocols.Scope(client, 2, "Rule");
        Assert.StartsWith("unknown", rule["value"].Value());
        var observations = await Protocols.Children(client, (await Protocols.Scope(client, 2, "Scenario"))["observations"].Reference());
        Assert.Equal("no value within 4 h (the latest is older)", observations["sbp"].Value());

        await client.Ok("next", new { threadId = 1 });
        await client.Event("stopped");
        var soFar = await Protocols.Scope(client, 2, "Decision so far");
        Assert.Equal("hold unless the data is optional: sbp-below-90 unknown", soFar["so far"].Value());
        await client.Ok("continue", new { threadId = 1 });
        var decision = Assert.Single((JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!)!;
        Assert.Equal("hold", decision["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_scenario_every_scenario_runs_in_turn_and_a_scenario_breakpoint_stops_at_its_own()
    {
        const string second = "SBP exactly 90 mm[Hg] does not hold";
        var line = Protocols.Line(Protocols.Monotherapy, $"scenario \"{second}\"");
        await using var client = await Protocols.Launch(Protocols.Monotherapy, scenario: null, breakpoints: line);
        await client.Event("stopped");
        var threads = (JsonArray)(await client.Ok("threads"))!["threads"]!;
        Assert.Equal($"scenario \"{second}\"", Assert.Single(threads)!["name"]!.GetValue<string>());
        // The scenarios before it ran to their decisions on the way.
        var outputs = client.Events.Where(e => e["event"]!.GetValue<string>() == "output").Select(e => e["body"]!["output"]!.GetValue<string>()).ToList();
        Assert.Contains(outputs, o => o.StartsWith($"scenario \"{Sbp84}\": hold because sbp-below-90", StringComparison.Ordinal));
        Assert.DoesNotContain(outputs, o => o.Contains(second, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Breakpoints_are_verified_only_on_rules_and_scenarios_and_move_to_the_first_line()
    {
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule sbp-below-90");
        var otherScenario = Protocols.Line(Protocols.Monotherapy, "scenario \"SBP exactly 90 mm[Hg] does not hold\"");
        await using var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2" });
        await client.Ok("launch", new { program = Protocols.Monotherapy, scenario = Sbp84 });
        var body = await client.Ok("setBreakpoints", new
        {
            source = new { path = Protocols.Monotherapy },
            breakpoints = new[] { new { line = 1 }, new { line = ruleLine + 1 }, new { line = otherScenario } },
        });
        var breakpoints = body!["breakpoints"]!.AsArray().Select(b => b!.AsObject()).ToList();
        Assert.False(breakpoints[0]["verified"]!.GetValue<bool>());
        Assert.Contains("no rule or scenario on this line", breakpoints[0]["message"]!.GetValue<string>());
        Assert.True(breakpoints[1]["verified"]!.GetValue<bool>());
        Assert.Equal(ruleLine, breakpoints[1]["line"]!.GetValue<int>());
        Assert.False(breakpoints[2]["verified"]!.GetValue<bool>());
        Assert.Contains("is not run in this session", breakpoints[2]["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_breakpoint_in_the_base_protocol_stops_at_the_inherited_rule_in_the_extension()
    {
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule sbp-below-90");
        await using var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2" });
        await client.Ok("launch", new { program = Protocols.PostTil });
        var body = await client.Ok("setBreakpoints", new { source = new { path = Protocols.Monotherapy }, breakpoints = new[] { new { line = ruleLine } } });
        Assert.True(body!["breakpoints"]![0]!["verified"]!.GetValue<bool>());
        await client.Ok("configurationDone");
        await client.Event("stopped");
        var frames = await Protocols.Frames(client);
        Assert.Equal(Protocols.Monotherapy, frames[0]!["source"]!["path"]!.GetValue<string>());
        Assert.Equal(Protocols.PostTil, frames[1]!["source"]!["path"]!.GetValue<string>());
        var rule = await Protocols.Scope(client, 2, "Rule");
        Assert.Equal("hd-il2-monotherapy", rule["inherited from"].Value());
    }

    [Fact]
    public async Task Run_without_debugging_ignores_breakpoints_and_ends_with_the_decision()
    {
        var ruleLine = Protocols.Line(Protocols.Monotherapy, "hold rule sbp-below-90");
        await using var client = DapClient.InProcess();
        await client.Ok("initialize", new { adapterID = "il2" });
        await client.Ok("launch", new { program = Protocols.Monotherapy, scenario = Sbp84, noDebug = true, stopOnEntry = true });
        await client.Ok("setBreakpoints", new { source = new { path = Protocols.Monotherapy }, breakpoints = new[] { new { line = ruleLine } } });
        await client.Ok("configurationDone");
        var decision = Assert.Single((JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!)!;
        Assert.Equal("hold", decision["action"]!.GetValue<string>());
        Assert.DoesNotContain(client.Events, e => e["event"]!.GetValue<string>() == "stopped");
    }
}
