using System.Diagnostics;
using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Revisions;

namespace IlTwo.Dsl.Tests.Review;

/// <summary>Reading protocol versions from git, with the extended base resolved from the same revision.</summary>
public sealed class GitSourceTests
{
    internal static void Git(string folder, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
    }

    internal static string Repository()
    {
        var folder = Directory.CreateTempSubdirectory("il2-git-").FullName;
        Git(folder, "init", "-q");
        Git(folder, "config", "user.email", "test@example.org");
        Git(folder, "config", "user.name", "test");
        Directory.CreateDirectory(Path.Combine(folder, "protocols"));
        foreach (var file in Directory.EnumerateFiles(TestProtocols.ProtocolsFolder, "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, "protocols", Path.GetFileName(file)));
        }

        Git(folder, "add", ".");
        Git(folder, "commit", "-qm", "v1");
        return folder;
    }

    [Fact]
    public void Reads_a_revision_and_resolves_the_base_from_the_same_revision()
    {
        var folder = Repository();
        var mono = Path.Combine(folder, "protocols", "hd-il2-monotherapy.il2");
        File.WriteAllText(mono, File.ReadAllText(mono).Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]"));
        Git(folder, "commit", "-qam", "v2");

        var source = new GitProtocolSource("HEAD~1", folder);
        var old = ProtocolCompilation.Create(source.Read("protocols/post-til-il2.il2"), source);
        Assert.DoesNotContain(old.Chain, c => c.HasErrors);
        Assert.Equal("HEAD~1:protocols/hd-il2-monotherapy.il2", old.Base!.Text.Path);

        var headSource = new GitProtocolSource("HEAD", folder);
        var @new = ProtocolCompilation.Create(headSource.Read("protocols/post-til-il2.il2"), headSource);
        // The text of post-til-il2 did not change, but the base it extends did: the effective protocol is less conservative.
        Assert.Equal("HEAD:protocols/hd-il2-monotherapy.il2", @new.Base!.Text.Path);
        var diff = ProtocolComparer.Compare(old, @new);
        Assert.Equal(SafetyVerdict.LessConservative, diff.Overall);
    }

    [Fact]
    public void Missing_revision_or_path_is_a_clear_error()
    {
        var folder = Repository();
        var error = Assert.Throws<ProtocolSourceException>(() => new GitProtocolSource("no-such-rev", folder).Read("protocols/post-til-il2.il2"));
        Assert.Contains("no-such-rev:protocols/post-til-il2.il2", error.Message);
        Assert.Throws<ProtocolSourceException>(() => new GitProtocolSource("HEAD", folder).Read("protocols/none.il2"));
        Assert.Equal(("HEAD~2", "a/b.il2"), GitProtocolSource.Parse("HEAD~2:a/b.il2"));
        Assert.Null(GitProtocolSource.Parse("plain.il2"));
    }

    [Theory]
    [InlineData("--output=/tmp/il2-git-injected")]
    [InlineData("-p")]
    [InlineData("HEAD\u0000x")]
    [InlineData("HEAD\r\n")]
    [InlineData("HEAD --all")]
    [InlineData("HEAD\u202E")]
    [InlineData("")]
    public void A_revision_that_could_be_an_option_or_holds_control_characters_is_refused(string revision)
    {
        var error = Assert.Throws<ProtocolSourceException>(() => new GitProtocolSource(revision, Path.GetTempPath()));
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/il2-git-injected"));
    }

    [Fact]
    public void A_revision_is_resolved_to_a_commit_before_git_reads_a_file()
    {
        var folder = Repository();
        // A tree or blob name is not a commit: refused with the revision named, not passed on to git show.
        var error = Assert.Throws<ProtocolSourceException>(() => new GitProtocolSource("HEAD^{tree}", folder).Read("protocols/post-til-il2.il2"));
        Assert.Contains("HEAD^{tree}", error.Message, StringComparison.Ordinal);
        Assert.NotNull(new GitProtocolSource("HEAD", folder).Read("protocols/post-til-il2.il2"));
    }
}
