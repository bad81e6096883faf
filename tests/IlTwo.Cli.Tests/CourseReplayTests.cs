using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

/// <summary>
/// The course replay (<see cref="CourseSimulator"/>, behind <c>il2 simulate</c> and <c>il2 replay</c>) binds a record once
/// and appends the doses as it passes them; every step must still be the decision a fresh evaluation of the record as it
/// stood then gives (its doses before the step, recorded ones first, then the replay's own; its values and events up to
/// the step: a decision over a record that charts later holds, a replay's step does not).
/// </summary>
public sealed class CourseReplayTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("il2-course-replay-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("hd-il2-monotherapy.il2")]
    [InlineData("post-til-il2.il2")]
    public void Every_step_of_a_replay_is_the_decision_of_the_record_as_it_stood_then(string file)
    {
        using var protocol = Load(file);
        var actions = new HashSet<DoseAction>();
        var steps = 0;
        foreach (var (name, json) in SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, 40, seed: 7))
        {
            var read = PatientJsonReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
            Assert.True(read.Succeeded, $"{name}: {string.Join("; ", read.Issues)}");
            var replay = CourseSimulator.Simulate(protocol.Rules, read.Record!, new CourseOptions { ReadIssues = read.Issues });
            foreach (var step in replay.Steps)
            {
                var final = replay.FinalRecord;
                var asItStood = final with
                {
                    Doses = [.. final.Doses.Where(d => d.At < step.At)],
                    Observations = [.. final.Observations.Where(o => o.At <= step.At)],
                    Events = [.. final.Events.Where(e => e.At <= step.At)],
                };
                var fresh = ProtocolEvaluator.Evaluate(protocol.Rules, asItStood, step.At, null, read.Issues);
                Assert.Equal(DoseDecisionJson.Serialize(fresh, indented: true), DoseDecisionJson.Serialize(step.Decision, indented: true));
                actions.Add(step.Action);
                steps++;
            }
        }
        // The cohort must reach gives and holds past the record's own doses, or the comparison proves little.
        Assert.Contains(DoseAction.Give, actions);
        Assert.Contains(DoseAction.Hold, actions);
        Assert.True(steps >= 100, $"only {steps} steps");
    }

    private CompiledProtocol Load(string file)
    {
        var path = Path.Combine(SyntheticCohort.ExamplesFolder, "..", file);
        var assembly = ProtocolCompiler.Compile(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var dll = Path.Combine(_folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(dll, [.. assembly.Assembly]);
        return CompiledProtocol.Load(dll, CompiledProtocolLoadOptions.Development);
    }
}
