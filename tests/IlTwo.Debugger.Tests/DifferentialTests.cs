using System.Text.Json.Nodes;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Debugger.Tests;

/// <summary>
/// The debugger cannot disagree with <c>il2 test</c>: the decision it reports at <c>terminated</c> for each scenario of
/// each shipped protocol is the one the compiled assembly gives through the scenario runner, as <c>il2 test</c> runs it.
/// </summary>
public sealed class DifferentialTests
{
    public static TheoryData<string> ShippedProtocols => ["hd-il2-monotherapy", "post-til-il2"];

    [Theory]
    [MemberData(nameof(ShippedProtocols))]
    public async Task The_decision_at_terminated_is_the_il2_test_outcome_for_every_scenario(string protocol)
    {
        var path = Path.Combine(Protocols.Root, "protocols", protocol + ".il2");
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        var assembly = ProtocolCompiler.Compile(compilation);
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var folder = Directory.CreateTempSubdirectory("il2-dap-diff-").FullName;
        var dll = Path.Combine(folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(dll, [.. assembly.Assembly]);
        using var compiled = CompiledProtocol.Load(dll, CompiledProtocolLoadOptions.InProcessBuild);
        var expected = ScenarioRunner.Run(compilation, compiled.Rules);

        await using var client = await Protocols.Launch(path, scenario: null);
        var decisions = ((JsonArray)(await client.Event("terminated"))["body"]!["decisions"]!).Select(d => d!.AsObject()).ToList();

        Assert.Equal(compilation.Protocol.Scenarios.Length, decisions.Count);
        Assert.True(decisions.Count > 30, $"{protocol} has {decisions.Count} scenarios");
        for (var i = 0; i < expected.Length; i++)
        {
            var want = expected[i];
            var got = decisions[i];
            Assert.Equal(want.Title, got["scenario"]!.GetValue<string>());
            Assert.Equal(want.Decision.Action.ToString().ToLowerInvariant(), got["action"]!.GetValue<string>());
            Assert.Equal(want.Decision.Rules.Select(r => r.Id), got["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
            Assert.Equal(want.Passed, got["passed"]!.GetValue<bool>());
            Assert.Equal(want.Decision.Summary, got["summary"]!.GetValue<string>());
        }

        var exited = await client.Event("exited");
        Assert.Equal(expected.All(r => r.Passed) ? 0 : 1, exited["body"]!["exitCode"]!.GetValue<int>());
    }
}
