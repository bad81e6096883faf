using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class CustomRequestTests
{
    [Fact]
    public async Task Generated_csharp_of_a_valid_protocol()
    {
        await using var client = await StartWithAsync((ChildUri, ChildText));

        // Roslyn's first compile in a busy test run can take a while.
        var result = await client.Rpc.InvokeWithParameterObjectAsync<System.Text.Json.JsonElement>("il2/generatedCSharp", new Il2DocumentParams(new TextDocumentIdentifier(ChildUri))).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Contains("class", result.GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, result.GetProperty("diagnostics").GetArrayLength());
    }

    [Fact]
    public async Task Generated_csharp_of_a_broken_protocol_is_null_with_the_errors()
    {
        var text = ChildText.Replace("2.5 mg/dL\n", "2.5 mmHg\n", StringComparison.Ordinal);
        await using var client = await StartWithAsync((ChildUri, text));

        var result = await client.RequestAsync("il2/generatedCSharp", new Il2DocumentParams(new TextDocumentIdentifier(ChildUri)));

        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.TryGetProperty("code", out var code) ? code.ValueKind : System.Text.Json.JsonValueKind.Null);
        Assert.Contains("mmHg", Assert.Single(result.GetProperty("diagnostics").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenarios_run_with_the_interpreter_each_at_its_title()
    {
        // Only the 230 umol/L scenario's expectation is made wrong.
        const string Scenario = "\"creatinine 230 umol/L (2.6 mg/dL) holds\"";
        var at = ChildText.IndexOf("expect hold because creatinine-high", ChildText.IndexOf(Scenario, StringComparison.Ordinal), StringComparison.Ordinal);
        var text = string.Concat(ChildText.AsSpan(0, at), "expect give", ChildText.AsSpan(at + "expect hold because creatinine-high".Length));
        await using var client = await StartWithAsync((ChildUri, text));

        var result = await client.RequestAsync("il2/runScenarios", new Il2DocumentParams(new TextDocumentIdentifier(ChildUri)));

        var results = result.GetProperty("results").EnumerateArray().ToList();
        // Its own scenarios, those that override a base expectation included.
        Assert.Equal(ChildText.Split('\n').Count(l => l.StartsWith("scenario ", StringComparison.Ordinal) || l.StartsWith("override scenario ", StringComparison.Ordinal)), results.Count);
        var failed = Assert.Single(results, r => !r.GetProperty("passed").GetBoolean());
        Assert.Equal("creatinine 230 umol/L (2.6 mg/dL) holds", failed.GetProperty("title").GetString());
        Assert.Contains("creatinine-high", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(PositionOf(text, "\"creatinine 230 umol/L").Line, failed.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Equal("give", failed.GetProperty("expected").GetString()); // for the Test Explorer's expected/actual diff
        Assert.Equal("hold because creatinine-high", failed.GetProperty("actual").GetString());
        var passed = results.First(r => r.GetProperty("passed").GetBoolean());
        Assert.Equal(passed.GetProperty("expected").GetString()!.Split(' ')[0], passed.GetProperty("actual").GetString()!.Split(' ')[0]);
    }
}
