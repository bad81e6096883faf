using IlTwo.Cli.Commands;

namespace IlTwo.Cli.Tests;

public sealed class CliApplicationTests
{
    [Fact]
    public void Help_ListsEveryCommandWithItsSummary()
    {
        var result = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Usage:\n  il2 [command] [options]\n", result.Out);
        Assert.Contains("--version", result.Out);
        Assert.Contains("Exit codes: 0 success, 1 errors found, 2 usage or I/O error.", result.Out);
        foreach (var command in CliApplication.DefaultCommands())
        {
            Assert.Contains($"  {command.Name}", result.Out);
        }

        Assert.Contains("Compile protocol files", result.Out);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void NoArguments_PrintsHelpToStderrWithUsageExit()
    {
        var result = CliRunner.Run();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Usage:\n  il2 [command] [options]", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Version_PrintsTheVersionTheAssemblyCarries_WithTheGitCommitItWasBuiltFrom()
    {
        var result = CliRunner.Run("--version");
        var carried = typeof(CliApplication).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"il2 {carried}\n", result.Out);
        Assert.Matches(@"^il2 \d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\+[0-9a-f]{40}\n$", result.Out);
        // A commit of this repository (HEAD in CI; an earlier one when a developer committed since the last build).
        var commit = result.Out.TrimEnd('\n')[^40..];
        Assert.Equal("commit", Git($"cat-file -t {commit}"));
    }

    [Theory]
    [InlineData("check", "--help")]
    [InlineData("check", "-h")]
    [InlineData("check", "-?")]
    [InlineData("help", "check")]
    public void CommandHelp_PrintsUsageOptionsAndDetailsOfThatCommand(string first, string second)
    {
        var result = CliRunner.Run(first, second);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Usage:\n  il2 check [<PATH>...] [options]\n", result.Out);
        Assert.Contains("--format <text|json>", result.Out);
        Assert.Contains("Exit codes: 0 no errors, 1 errors found, 2 usage or I/O error", result.Out);
        Assert.Empty(result.Error);
    }

    /// <summary>Every option of every command (and of keys' sub-commands) is described in that command's help.</summary>
    [Fact]
    public void Help_DescribesEveryCommandAndOption()
    {
        foreach (var command in CliApplication.DefaultCommands())
        {
            var defined = new System.CommandLine.Command(command.Name, command.Summary);
            command.Define(defined);
            foreach (var (path, symbol) in Walk([command.Name], defined))
            {
                var help = CliRunner.Run([.. path, "--help"]);
                Assert.True(help.ExitCode == ExitCodes.Success, $"il2 {string.Join(' ', path)} --help: {help}");
                Assert.Contains($"il2 {string.Join(' ', path)}", help.Out);
                Assert.All(symbol.Options, option =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{option.Name} of il2 {string.Join(' ', path)} has no description");
                    Assert.Contains(option.Name, help.Out);
                    Assert.Contains(option.Description!.Split(' ')[0], help.Out);
                });
                Assert.All(symbol.Arguments, argument => Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"<{argument.Name}> of il2 {string.Join(' ', path)} has no description"));
            }
        }

        static IEnumerable<(string[] Path, System.CommandLine.Command Command)> Walk(string[] path, System.CommandLine.Command command) =>
            command.Subcommands.SelectMany(c => Walk([.. path, c.Name], c)).Prepend((path, command));
    }

    [Fact]
    public void UnknownCommand_IsUsageError()
    {
        var result = CliRunner.Run("frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("il2: unknown command 'frobnicate'; run 'il2 --help' for the list\n", result.Error);
        Assert.Empty(result.Out);
    }

    [Theory]
    [InlineData("chek", "check")]
    [InlineData("tset", "test")]
    [InlineData("simulte", "simulate")]
    public void MistypedCommand_SuggestsTheClosestOne_OnStderr(string typed, string meant)
    {
        var result = CliRunner.Run(typed, "protocols/");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"il2: unknown command '{typed}' (did you mean '{meant}'?); run 'il2 --help' for the list\n", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void MistypedOption_SuggestsTheClosestOptionOfThatCommand_AndRunsNothing()
    {
        var result = CliRunner.Run("check", "--formt", "json", CliRunner.ProtocolsFolder);
        var keys = CliRunner.Run("keys", "new", "--persn", "A. Pharmacist", "--role", "pharmacist", "-o", "unused");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("il2: check: unknown option '--formt' (did you mean '--format'?); run 'il2 check --help'", result.Error);
        Assert.Empty(result.Out);
        Assert.Equal(ExitCodes.Usage, keys.ExitCode);
        Assert.StartsWith("il2: keys new: unknown option '--persn' (did you mean '--person'?)", keys.Error);
        Assert.False(Directory.Exists("unused"));
    }

    [Fact]
    public void UnknownGlobalOption_IsUsageError()
    {
        var result = CliRunner.Run("--frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown option '--frobnicate'", result.Error);
    }

    [Fact]
    public void OptionWithoutItsValue_IsUsageError()
    {
        var result = CliRunner.Run("check", "--format");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("il2: check: ", result.Error);
        Assert.Contains("--format", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void KeysWithoutASubcommand_IsUsageError_ListingThem()
    {
        var result = CliRunner.Run("keys");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("il2: keys: give a command: new, export, revoke; run 'il2 keys --help'\n", result.Error);
    }

    /// <summary>What the user typed as a path stays a path: after '--' a name starting with '-', and '@name' (no response files).</summary>
    [Fact]
    public void OperandsThatLookLikeOptions_ArePathsAfterDoubleDash_AndRefusedBeforeIt()
    {
        var compiled = new List<string>();
        var app = new CliApplication([new CheckCommand(text => { compiled.Add(text.Path); return []; })]);
        var fs = new OneFileSystem("--foo.il2");

        var after = CliRunner.Run(app, fs, "check", "--", "--foo.il2");
        var before = CliRunner.Run(app, fs, "check", "--foo.il2");
        var at = CliRunner.Run("check", "@no-such-response-file.il2");

        Assert.Equal(ExitCodes.Success, after.ExitCode);
        Assert.Equal(["--foo.il2"], compiled);
        Assert.Equal("checked 1 file(s): 0 error(s), 0 warning(s)\n", after.Out);
        Assert.Equal(ExitCodes.Usage, before.ExitCode);
        Assert.StartsWith("il2: check: unknown option '--foo.il2'", before.Error);
        Assert.Contains("goes after '--'", before.Error);
        Assert.Equal(ExitCodes.Usage, at.ExitCode);
        Assert.Equal("il2: @no-such-response-file.il2: no such file or folder\n", at.Error);
    }

    /// <summary>The value of an option may start with '-' (a note, a reason); it is not taken for an option.</summary>
    [Fact]
    public void OptionValueStartingWithDash_IsTheValue()
    {
        var result = CliRunner.Run("diff", "--format", "-x", "a.il2", "b.il2");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("il2: diff: unknown format '-x'; use text, md, html or json\n", result.Error);
    }

    /// <summary>An option given twice takes its last value, as before System.CommandLine (a script's default, then an override).</summary>
    [Fact]
    public void OptionGivenTwice_TheLastValueCounts()
    {
        var result = CliRunner.Run("check", "--format", "json", "--format=text", CliRunner.ProtocolsFolder);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"^checked \d+ file\(s\): 0 error\(s\), \d+ warning\(s\)\n$", result.Out);
        Assert.Empty(result.Error);
    }

    /// <summary>Shell completion: dotnet-suggest runs 'il2 [suggest:POSITION] "COMMAND LINE"' and offers what it prints.</summary>
    [Theory]
    [InlineData("il2 ch", "check\n")]
    [InlineData("il2 check --f", "--format\n")]
    [InlineData("il2 check --format ", "json\ntext\n")]
    [InlineData("il2 keys ", "export\nnew\nrevoke\n")]
    public void SuggestDirective_CompletesCommandsOptionsAndChoices(string line, string expected)
    {
        var result = CliRunner.Run($"[suggest:{line.Length}]", line);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(expected, result.Out.Replace("-?\n", "", StringComparison.Ordinal).Replace("-h\n", "", StringComparison.Ordinal).Replace("--help\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public void CommandsHaveUniqueLowercaseNamesSummariesAndDetails()
    {
        var commands = CliApplication.DefaultCommands();

        Assert.Equal(commands.Count, commands.Select(c => c.Name).Distinct().Count());
        Assert.All(commands, c =>
        {
            Assert.Matches("^[a-z][a-z-]*$", c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Summary));
            Assert.Contains("Exit codes:", c.Details);
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

    private static string Git(string arguments)
    {
        var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = CliRunner.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {arguments} failed: the tests run in a git checkout");
        return output;
    }

    private sealed class EchoCommand : ICommand
    {
        private readonly System.CommandLine.Argument<string[]> _words = new("ARG") { Arity = System.CommandLine.ArgumentArity.ZeroOrMore, Description = "words to print" };

        public string Name => "echo";

        public string Summary => "Print the arguments";

        public string Details => "Exit codes: 0 always.";

        public void Define(System.CommandLine.Command command) => command.Add(_words);

        public int Run(CommandContext context, System.CommandLine.ParseResult parse)
        {
            context.Out.WriteLine(string.Join(' ', parse.GetValue(_words) ?? []));
            return ExitCodes.Success;
        }
    }

    /// <summary>One readable file, <paramref name="name"/>, and nothing else.</summary>
    private sealed class OneFileSystem(string name) : IFileSystem
    {
        public bool FileExists(string path) => path == name;

        public bool DirectoryExists(string path) => false;

        public IEnumerable<string> EnumerateFiles(string directory, string pattern, SearchOption option) => [];

        public byte[] ReadAllBytes(string path) => path == name ? "protocol tiny\n"u8.ToArray() : throw new FileNotFoundException(path);
    }
}
