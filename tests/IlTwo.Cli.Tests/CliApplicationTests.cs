using IlTwo.Cli;

namespace IlTwo.Cli.Tests;

public sealed class CliApplicationTests
{
    [Fact]
    public void Help_ListsEveryCommandWithItsSummary()
    {
        var result = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Usage: il2 <command>", result.Out);
        foreach (var command in CliApplication.DefaultCommands())
            Assert.Contains($"  {command.Name}", result.Out);
        Assert.Contains("Compile protocol files", result.Out);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void NoArguments_PrintsHelpToStderrWithUsageExit()
    {
        var result = CliRunner.Run();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Usage: il2", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Version_PrintsToolVersion()
    {
        var result = CliRunner.Run("--version");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"^il2 \d+\.\d+\.\d+", result.Out);
    }

    [Theory]
    [InlineData("check", "--help")]
    [InlineData("check", "-h")]
    [InlineData("help", "check")]
    public void CommandHelp_PrintsUsageOfThatCommand(string first, string second)
    {
        var result = CliRunner.Run(first, second);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.StartsWith("Usage: il2 check", result.Out);
        Assert.Contains("--format", result.Out);
    }

    [Fact]
    public void UnknownCommand_IsUsageError()
    {
        var result = CliRunner.Run("frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void UnknownGlobalOption_IsUsageError()
    {
        var result = CliRunner.Run("--frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown option '--frobnicate'", result.Error);
    }

    [Fact]
    public void CommandsHaveUniqueLowercaseNamesAndSummaries()
    {
        var commands = CliApplication.DefaultCommands();

        Assert.Equal(commands.Count, commands.Select(c => c.Name).Distinct().Count());
        Assert.All(commands, c =>
        {
            Assert.Matches("^[a-z][a-z-]*$", c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Summary));
            Assert.StartsWith($"Usage: il2 {c.Name}", c.Help.TrimStart());
        });
    }

    [Fact]
    public void NewCommandSlotsIn_WithoutChangingTheHost()
    {
        var app = new CliApplication([.. CliApplication.DefaultCommands(), new EchoCommand()]);

        var result = CliRunner.Run(app, null, "echo", "a", "b");
        var help = CliRunner.Run(app, null, "--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("a b\n", result.Out);
        Assert.Contains("  echo", help.Out);
    }

    private sealed class EchoCommand : ICommand
    {
        public string Name => "echo";

        public string Summary => "Print the arguments";

        public string Help => "Usage: il2 echo ARG...";

        public int Run(CommandContext context, IReadOnlyList<string> args)
        {
            context.Out.WriteLine(string.Join(' ', args));
            return ExitCodes.Success;
        }
    }
}
