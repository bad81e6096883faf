using CsCheck;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Dsl.Tests.Evaluation;

/// <summary>The compiled protocol and the interpreter are independent paths over the same bound model: they must agree.</summary>
public sealed class DifferentialTests
{
    [Theory]
    [InlineData("hd-il2-monotherapy")]
    [InlineData("post-til-il2")]
    public void Compiled_and_interpreted_decisions_agree_on_random_records(string name) =>
        Agree(TestProtocols.Shipped(name));

    /// <summary>The data-check protocol: reporting precisions, ranges, values just outside them, mistyped codes.</summary>
    [Fact]
    public void Compiled_and_interpreted_decisions_agree_on_the_data_check_protocol() =>
        Agree(Path.Combine(Infrastructure.TestPaths.TestProject, "Scenarios", "data-checks.il2"));

    private static void Agree(string path)
    {
        var compilation = TestProtocols.Compile(path);
        using var compiled = TestProtocols.Load(compilation);
        var interpreter = new ProtocolInterpreter(compilation);
        var actions = new int[3];

        RandomRecords.For(compilation).Sample(record =>
        {
            var expected = ProtocolEvaluator.Evaluate(interpreter, record, RandomRecords.At);
            var actual = ProtocolEvaluator.Evaluate(compiled.Rules, record, RandomRecords.At);
            Interlocked.Increment(ref actions[(int)expected.Action]);
            return DoseDecisionJson.Serialize(expected) == DoseDecisionJson.Serialize(actual);
        }, iter: 3000, threads: 1);

        // The generator must reach every outcome, or agreement proves little.
        Assert.All(actions, count => Assert.True(count > 0, $"outcome counts give/hold/discontinue: {string.Join("/", actions)}"));
    }
}
