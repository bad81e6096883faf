namespace IlTwo.Cli.Tests;

/// <summary>
/// <c>il2 serve</c> as a user starts it: what it refuses before listening. The service itself (discovery, hooks, trust,
/// hot reload) is tested through Kestrel in IlTwo.Service.Tests.
/// </summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData(new string[0], "give --protocols DIR and --trust STORE")]
    [InlineData(new[] { "--protocols", "p" }, "give --protocols DIR and --trust STORE")]
    [InlineData(new[] { "--protocols", "p", "--trust", "t", "--max-body", "-5" }, "--max-body '-5' is not a positive whole number")]
    [InlineData(new[] { "--protocols", "p", "--trust", "t", "--urls", "ftp://host" }, "--urls 'ftp://host' is not an absolute http or https URL")]
    [InlineData(new[] { "--protocols", "p", "--trust", "t", "--otlp", "not a url" }, "--otlp 'not a url' is not an absolute http or https URL")]
    [InlineData(new[] { "--protocols", "p", "--trust", "t", "--clients", "a", "--clients", "b" }, "give --clients once")]
    public void Usage_errors_exit_2_before_anything_listens(string[] args, string message)
    {
        var result = CliRunner.Run(["serve", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_missing_trust_store_exits_1_with_the_trust_code()
    {
        var missing = Path.Combine(Path.GetTempPath(), "il2-no-such-" + Guid.NewGuid().ToString("N"));

        var result = CliRunner.Run("serve", "--protocols", missing, "--trust", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TRUST017", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_names_every_option_and_the_docs()
    {
        var result = CliRunner.Run("serve", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--protocols", "--trust", "--urls", "--clients", "--log", "--certificate", "--no-watch", "docs/cds-hooks.md" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }
}
