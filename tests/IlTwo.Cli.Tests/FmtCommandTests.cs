namespace IlTwo.Cli.Tests;

public sealed class FmtCommandTests
{
    private const string Messy = "protocol  messy\ntitle   \"m\"\nversion 1.0.0\nreference r \"r\"\nregimen {\n      drug aldesleukin\n every 8 h   // trailing\n   cite r \"r\" }\n";

    [Fact]
    public void Check_names_a_file_that_would_change_and_leaves_it_alone()
    {
        var file = Path.Combine(CliRun.TempFolder(), "messy.il2");
        File.WriteAllText(file, Messy);

        var run = CliRun.Of("fmt", "--check", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("messy.il2: would be reformatted", run.Out, StringComparison.Ordinal);
        Assert.Equal(Messy, File.ReadAllText(file));
    }

    [Fact]
    public void Fmt_rewrites_in_the_canonical_layout_keeping_comments_and_is_then_clean()
    {
        var file = Path.Combine(CliRun.TempFolder(), "messy.il2");
        File.WriteAllText(file, Messy);

        Assert.Equal(0, CliRun.Of("fmt", file).ExitCode);
        var formatted = File.ReadAllText(file);
        Assert.Contains("  every 8 h // trailing\n", formatted, StringComparison.Ordinal);
        Assert.StartsWith("protocol messy\ntitle \"m\"\n", formatted, StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Of("fmt", "--check", file).ExitCode);
    }

    [Fact]
    public void The_shipped_protocols_are_formatted()
    {
        var run = CliRun.Of("fmt", "--check", CliRun.Repo("protocols"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_file_with_syntax_errors_is_not_touched()
    {
        var file = Path.Combine(CliRun.TempFolder(), "broken.il2");
        const string broken = "protocol b\nhold rule r \"r\" { when ( }\n";
        File.WriteAllText(file, broken);

        var run = CliRun.Of("fmt", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("syntax errors", run.Error, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(file));
    }
}
