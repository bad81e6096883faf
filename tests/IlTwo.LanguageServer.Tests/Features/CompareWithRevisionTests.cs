using System.Diagnostics;
using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class CompareWithRevisionTests
{
    [Fact]
    public async Task The_committee_version_is_read_from_git_and_compared_by_meaning()
    {
        var folder = Directory.CreateTempSubdirectory("il2-compare-").FullName;
        var source = BaseText;
        var path = Path.Combine(folder, "hd-il2-monotherapy.il2");
        await File.WriteAllTextAsync(path, source);
        Git(folder, "init", "-q");
        Git(folder, "add", ".");
        Git(folder, "-c", "user.name=committee", "-c", "user.email=committee@example.org", "commit", "-q", "-m", "approved");

        // In the editor: the SBP threshold lowered from 90 to 85 — fewer doses held.
        var edited = source.Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]", StringComparison.Ordinal);
        await using var client = await StartWithAsync((new Uri(path), edited));

        var result = await client.RequestAsync("il2/compareWithRevision", new CompareWithRevisionParams(new TextDocumentIdentifier(new Uri(path)), "HEAD"));

        var markdown = result.GetProperty("markdown").GetString()!;
        Assert.Contains("LESS CONSERVATIVE", result.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Contains("sbp &lt; 90 mm[Hg]", markdown, StringComparison.Ordinal);
        // The patient that shows it has an SBP the old version held and the new one gives: 85 to 90 mm[Hg].
        Assert.Matches(@"sbp = (8[5-9](\.\d+)?) mm\[Hg\]", markdown);

        var missing = await client.RequestAsync("il2/compareWithRevision", new CompareWithRevisionParams(new TextDocumentIdentifier(new Uri(path)), "no-such-revision"));
        // Absent fields are left out of the JSON (the server writes no nulls).
        Assert.False(missing.TryGetProperty("markdown", out var none) && none.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.False(string.IsNullOrEmpty(missing.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("--output={0}")]
    [InlineData("-o{0}")]
    [InlineData("HEAD --output={0}")]
    [InlineData("HEAD\n--output={0}")]
    public async Task A_revision_that_git_would_read_as_an_option_is_refused_and_writes_nothing(string revisionTemplate)
    {
        var folder = Directory.CreateTempSubdirectory("il2-compare-").FullName;
        var path = Path.Combine(folder, "hd-il2-monotherapy.il2");
        await File.WriteAllTextAsync(path, BaseText);
        Git(folder, "init", "-q");
        Git(folder, "add", ".");
        Git(folder, "-c", "user.name=committee", "-c", "user.email=committee@example.org", "commit", "-q", "-m", "approved");
        var target = Path.Combine(Path.GetTempPath(), $"il2-injected-{Guid.NewGuid():N}");
        await using var client = await StartWithAsync((new Uri(path), BaseText));

        var result = await client.RequestAsync("il2/compareWithRevision", new CompareWithRevisionParams(new TextDocumentIdentifier(new Uri(path)), string.Format(System.Globalization.CultureInfo.InvariantCulture, revisionTemplate, target)));

        Assert.False(result.TryGetProperty("markdown", out var markdown) && markdown.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Contains("not a revision", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(target), $"git wrote {target}");
        Assert.False(File.Exists(target + ":hd-il2-monotherapy.il2"));
    }

    private static void Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
    }
}
