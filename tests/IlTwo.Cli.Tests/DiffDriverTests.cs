using System.Diagnostics;

namespace IlTwo.Cli.Tests;

/// <summary><c>git diff</c> with the il2 diff driver configured shows the semantic diff.</summary>
public sealed class DiffDriverTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    private static string Git(string folder, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var errorTask = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {errorTask.Result}");
        return output;
    }

    [Fact]
    public void Git_diff_uses_the_semantic_driver()
    {
        var folder = Directory.CreateTempSubdirectory("il2-driver-").FullName;
        Git(folder, "init", "-q");
        Git(folder, "config", "user.email", "test@example.org");
        Git(folder, "config", "user.name", "test");
        var il2 = Path.Combine(AppContext.BaseDirectory, "il2.dll");
        Git(folder, "config", "diff.il2.command", $"dotnet \"{il2}\" diff-driver");
        File.WriteAllText(Path.Combine(folder, ".gitattributes"), "*.il2 diff=il2\n");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root(), "protocols"), "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        Git(folder, "add", ".");
        Git(folder, "commit", "-qm", "v1");

        var mono = Path.Combine(folder, "hd-il2-monotherapy.il2");
        File.WriteAllText(mono, File.ReadAllText(mono).Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]"));
        var output = Git(folder, "diff");
        Assert.Contains("il2 diff a/hd-il2-monotherapy.il2 b/hd-il2-monotherapy.il2", output);
        Assert.Contains("Overall: LESS CONSERVATIVE", output);
        Assert.Contains("sbp < 90 mm[Hg] -> sbp < 85 mm[Hg]", output);
    }

    [Fact]
    public void Diff_command_reads_git_revisions()
    {
        var root = Root();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApplication.Run(["diff", "no-such-revision-xyz:protocols/post-til-il2.il2", Path.Combine(root, "protocols", "post-til-il2.il2")], stdout, stderr);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no-such-revision-xyz:protocols/post-til-il2.il2", stderr.ToString());

        code = CliApplication.Run(["diff", "--format", "md", Path.Combine(root, "protocols", "hd-il2-monotherapy.il2"), Path.Combine(root, "protocols", "post-til-il2.il2")], stdout, stderr);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("**Overall: MORE CONSERVATIVE", stdout.ToString());
    }
}
