using System.Text.Json;

namespace IlTwo.Cli.Tests;

/// <summary>
/// A proposed version whose <c>claim more conservative than</c> breaks is still diffed: the committee needs the diff
/// most then. The refuted claim is a finding of the diff, with its counterexample, in every format.
/// </summary>
public sealed class DiffFindingTests
{
    /// <summary>The shipped protocols in a temp folder, with post-til-il2's creatinine hold loosened from 2.5 to 3.5 mg/dL.</summary>
    private static (string Old, string New) LoosenedPostTil()
    {
        var folder = Directory.CreateTempSubdirectory("il2-diff-claim-").FullName;
        foreach (var file in Directory.EnumerateFiles(CliRunner.ProtocolsFolder, "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var path = Path.Combine(folder, "post-til-il2.il2");
        var text = File.ReadAllText(path);
        var loosened = text.Replace("  when creatinine >= 2.5 mg/dL", "  when creatinine >= 3.5 mg/dL", StringComparison.Ordinal);
        Assert.NotEqual(text, loosened);
        File.WriteAllText(path, loosened);
        return (Path.Combine(CliRunner.ProtocolsFolder, "post-til-il2.il2"), path);
    }

    [Fact]
    public void A_broken_claim_is_a_finding_and_the_versions_are_still_compared()
    {
        var (old, @new) = LoosenedPostTil();

        // The loosened version does not compile on its own: its claim is refuted.
        var check = CliRunner.Run("check", @new);
        Assert.NotEqual(ExitCodes.Success, check.ExitCode);
        Assert.Contains("IL0309", check.Out + check.Error, StringComparison.Ordinal);

        var text = CliRunner.Run("diff", old, @new);
        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        Assert.StartsWith("Overall: LESS CONSERVATIVE", text.Out, StringComparison.Ordinal);
        var finding = text.OutLines.Single(l => l.StartsWith("Finding in the new version: ", StringComparison.Ordinal));
        Assert.Contains("post-til-il2.il2(29,", finding, StringComparison.Ordinal);
        Assert.Contains("error IL0309: claim 'more conservative than hd-il2-monotherapy' does not hold", finding, StringComparison.Ordinal);
        Assert.Contains("Counterexample: a patient with creatinine = ", finding, StringComparison.Ordinal);
        Assert.Contains("[less conservative] rule 'creatinine-high' changed", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Finding in the old version", text.Out, StringComparison.Ordinal);

        var json = CliRunner.Run("diff", "--format", "json", old, @new);
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var findings = document.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var only = Assert.Single(findings);
        Assert.Equal("new", only.GetProperty("version").GetString());
        Assert.Equal("IL0309", only.GetProperty("code").GetString());
        Assert.Equal("error", only.GetProperty("severity").GetString());
        Assert.EndsWith("post-til-il2.il2(29,30)", only.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Equal("less-conservative", document.RootElement.GetProperty("overall").GetString());

        foreach (var (format, heading) in new[] { ("md", "## Findings"), ("html", "<h2>Findings</h2>") })
        {
            var rendered = CliRunner.Run("diff", "--format", format, old, @new);
            Assert.Equal(ExitCodes.Success, rendered.ExitCode);
            Assert.Contains(heading, rendered.Out, StringComparison.Ordinal);
            Assert.Contains("IL0309", rendered.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Versions_whose_claims_hold_have_no_findings()
    {
        var shipped = Path.Combine(CliRunner.ProtocolsFolder, "post-til-il2.il2");
        var json = CliRunner.Run("diff", "--format", "json", Path.Combine(CliRunner.ProtocolsFolder, "hd-il2-monotherapy.il2"), shipped);
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Empty(document.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void A_version_with_a_binding_error_still_does_not_compile()
    {
        var (old, @new) = LoosenedPostTil();
        File.WriteAllText(@new, File.ReadAllText(@new).Replace("  when creatinine >= 3.5 mg/dL", "  when creatinin >= 3.5 mg/dL", StringComparison.Ordinal));
        var result = CliRunner.Run("diff", old, @new);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("does not compile", result.Error, StringComparison.Ordinal);
    }
}
