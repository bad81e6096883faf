using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using IlTwo.Cli.Commands;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli;

/// <summary>
/// The <c>il2</c> host: a System.CommandLine root with one sub-command per <see cref="ICommand"/>. It gives help for
/// every command and option, "did you mean" for a mistyped command or option, shell completion through the
/// <c>[suggest]</c> directive (dotnet-suggest), and turns every parse error into a usage error on stderr
/// (<see cref="ExitCodes.Usage"/>). Adding a command means adding one <see cref="ICommand"/> class under
/// <c>Commands/</c> and listing it in <see cref="DefaultCommands"/>.
/// </summary>
public sealed class CliApplication
{
    /// <summary>Help is wrapped at this width whatever the terminal, so that it reads the same in a pipe and in a test.</summary>
    private const int HelpWidth = 110;

    private readonly IReadOnlyList<ICommand> _commands;
    private readonly RootCommand _root;
    private readonly Dictionary<Command, ICommand> _byCommand = [];

    /// <summary>
    /// No response files (<c>@file</c> stays a path) and no bundling of short options: what the user typed as an
    /// operand reaches the command as it was typed.
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    public CliApplication(IEnumerable<ICommand> commands)
    {
        _commands = [.. commands.OrderBy(c => c.Name, StringComparer.Ordinal)];
        _root = new RootCommand("il2: the IL-2 dose-hold protocol language tool") { HelpName = "il2" };
        // Only --help, -h and -?: the default /h and /? would turn a path into a request for help.
        foreach (var option in _root.Options.Where(o => o is HelpOption or VersionOption).ToList())
        {
            _root.Options.Remove(option);
        }

        _root.Options.Add(new HelpOption("--help", "-h", "-?") { Action = new Il2HelpAction(this) });
        _root.Options.Add(new VersionOption("--version") { Action = new VersionAction() });
        foreach (var command in _commands)
        {
            var defined = new Command(command.Name, command.Summary);
            command.Define(defined);
            _root.Subcommands.Add(defined);
            _byCommand[defined] = command;
        }
    }

    public IReadOnlyList<ICommand> Commands => _commands;

    /// <summary>Every command <c>il2</c> ships with.</summary>
    public static IReadOnlyList<ICommand> DefaultCommands() =>
    [
        new CheckCommand(),
        new BuildCommand(),
        new EvalCommand(),
        new TestCommand(),
        new FmtCommand(),
        new LspCommand(),
        new DapCommand(),
        new ServeCommand(),
        new DiffCommand(),
        new DiffDriverCommand(),
        new ApproveCommand(),
        new KeysCommand(),
        new DocCommand(),
        new SimulateCommand(),
        new ReplayCommand(),
    ];

    /// <summary>The version the assembly carries: the package version and, after '+', the git commit it was built from.</summary>
    public static string Version =>
        typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliApplication).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The whole program, testable: no console access, the exit code returned.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        new CliApplication(DefaultCommands()).Run(args, new CommandContext(stdout, stderr));

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
        {
            _root.Parse(["--help"], Parsing).Invoke(new InvocationConfiguration { Output = context.Error, Error = context.Error });
            return ExitCodes.Usage;
        }
        // 'il2 help' and 'il2 help COMMAND' as before: the same as --help.
        if (args[0] == "help" && args.Count <= 2)
        {
            args = args.Count == 1 ? ["--help"] : [args[1], "--help"];
        }

        var parse = _root.Parse(args, Parsing);
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0 && parse.Action is null or ParseErrorAction)
        {
            return UsageErrors(context, parse);
        }
        // Help, --version and the [suggest] directive (shell completion); the commands themselves have no action.
        if (parse.Action is not null)
        {
            return parse.Invoke(invocation);
        }

        if (Owner(parse.CommandResult.Command) is not { } command)
        {
            return UsageErrors(context, parse);
        }

        if (!command.OperandsMayStartWithDash && FirstDashOperand(parse) is { } dashed)
        {
            return context.UsageError($"{Path(parse.CommandResult.Command)}: unknown option '{dashed}'{Suggestion(parse.CommandResult.Command, dashed)}; "
                + $"run 'il2 {Path(parse.CommandResult.Command)} --help' (a path that starts with '-' goes after '--')");
        }

        return command.Run(context, parse);
    }

    /// <summary>The registered command a (sub-)command belongs to: <c>keys new</c> belongs to <c>keys</c>.</summary>
    private ICommand? Owner(Command command)
    {
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            if (_byCommand.TryGetValue(c, out var owner))
            {
                return owner;
            }
        }
        return null;
    }

    private static string Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>
    /// An operand before <c>--</c> that looks like an option the command does not have (<c>--bogus</c>): System.CommandLine
    /// would pass it on as an operand; il2 refuses it, so a mistyped option is never read as a file name.
    /// </summary>
    private static string? FirstDashOperand(ParseResult parse)
    {
        var doubleDash = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        foreach (var argument in parse.CommandResult.Command.Arguments)
        {
            if (parse.GetResult(argument) is not ArgumentResult result)
            {
                continue;
            }

            foreach (var token in result.Tokens)
            {
                if (token.Value.Length < 2 || token.Value[0] != '-')
                {
                    continue;
                }

                var index = parse.Tokens.ToList().FindIndex(t => ReferenceEquals(t, token));
                if (doubleDash < 0 || index < doubleDash)
                {
                    return token.Value;
                }
            }
        }
        return null;
    }

    /// <summary>Every parse error as <c>il2: [command: ]message</c> on stderr, with "did you mean" for an unknown word.</summary>
    private static int UsageErrors(CommandContext context, ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var where = command is RootCommand ? "" : Path(command) + ": ";
        var help = command is RootCommand ? "run 'il2 --help' for the list" : $"run 'il2 {Path(command)} --help'";
        // After an unknown command the rest of the line is its arguments: only the command is reported.
        var unmatched = command.Subcommands.Count > 0 && parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknownCommand
            ? [unknownCommand]
            : parse.UnmatchedTokens;
        foreach (var token in unmatched)
        {
            var kind = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            context.Error.WriteLine($"il2: {where}unknown {kind} '{token}'{Suggestion(command, token)}; {help}");
        }
        if (unmatched.Count == 0)
        {
            foreach (var error in parse.Errors)
            {
                var message = command.Subcommands.Count > 0 && error.SymbolResult is CommandResult
                    ? $"give a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}"
                    : error.Message.TrimEnd('.');
                context.Error.WriteLine($"il2: {where}{message}; {help}");
            }
        }
        return ExitCodes.Usage;
    }

    /// <summary>" (did you mean 'check'?)" for the closest command or option name (two edits, or a third of a longer word), else "".</summary>
    private static string Suggestion(Command command, string word)
    {
        var names = word.StartsWith('-')
            ? command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
                .Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var limit = Math.Max(2, word.TrimStart('-').Length / 3);
        var best = Levenshtein.Closest(word, names.Distinct(), limit);
        return best is null ? "" : $" (did you mean '{best}'?)";
    }

    /// <summary>What help adds after the generated usage, arguments and options of <paramref name="command"/>.</summary>
    private string? DetailsFor(Command command) =>
        _byCommand.TryGetValue(command, out var owner) ? owner.Details
        : command is RootCommand
            ? $"""
              Run 'il2 <command> --help' for a command's options.
              Exit codes: {ExitCodes.Success} success, {ExitCodes.Failure} errors found, {ExitCodes.Usage} usage or I/O error.
              Shell completion: see "Install as a tool" in README.md (dotnet-suggest).
              """
            : null;

    /// <summary>System.CommandLine's help (usage, arguments, options, commands), then the command's details (what it does, exit codes).</summary>
    private sealed class Il2HelpAction(CliApplication application) : SynchronousCommandLineAction
    {
        private readonly HelpAction _generated = new() { MaxWidth = HelpWidth };

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            _generated.Invoke(parseResult);
            if (application.DetailsFor(parseResult.CommandResult.Command) is { } details && !string.IsNullOrWhiteSpace(details))
            {
                parseResult.InvocationConfiguration.Output.WriteLine(details.ReplaceLineEndings("\n").TrimEnd());
            }

            return ExitCodes.Success;
        }
    }

    /// <summary><c>il2 --version</c>: <c>il2 1.0.0+&lt;commit&gt;</c>, the version the assembly carries.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"il2 {Version}");
            return ExitCodes.Success;
        }
    }
}
