using System.Reflection;
using IlTwo.Cli.Commands;

namespace IlTwo.Cli;

/// <summary>
/// The <c>il2</c> host: finds the command named by the first argument and runs it. Adding a command means adding
/// one <see cref="ICommand"/> class under <c>Commands/</c> and listing it in <see cref="DefaultCommands"/>.
/// </summary>
public sealed class CliApplication
{
    private readonly IReadOnlyList<ICommand> _commands;

    public CliApplication(IEnumerable<ICommand> commands) => _commands = [.. commands.OrderBy(c => c.Name, StringComparer.Ordinal)];

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
        new DiffCommand(),
        new DiffDriverCommand(),
        new ApproveCommand(),
        new KeysCommand(),
        new DocCommand(),
        new SimulateCommand(),
    ];

    public static string Version =>
        typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CliApplication).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The whole program, testable: no console access, the exit code returned.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        new CliApplication(DefaultCommands()).Run(args, new CommandContext(stdout, stderr));

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
        {
            context.Error.Write(MainHelp());
            return ExitCodes.Usage;
        }
        switch (args[0])
        {
            case "--help" or "-h" or "-?" or "help" when args.Count == 1:
                context.Out.Write(MainHelp());
                return ExitCodes.Success;
            case "help":
                return Find(args[1]) is { } helped ? WriteHelp(context, helped) : context.UsageError($"unknown command '{args[1]}'; run 'il2 --help' for the list");
            case "--version":
                context.Out.WriteLine($"il2 {Version}");
                return ExitCodes.Success;
        }
        if (args[0].StartsWith('-'))
            return context.UsageError($"unknown option '{args[0]}'; run 'il2 --help'");
        if (Find(args[0]) is not { } command)
            return context.UsageError($"unknown command '{args[0]}'; run 'il2 --help' for the list");
        var rest = args.Skip(1).ToList();
        if (rest.Contains("--help") || rest.Contains("-h"))
            return WriteHelp(context, command);
        return command.Run(context, rest);
    }

    private ICommand? Find(string name) => _commands.FirstOrDefault(c => c.Name == name);

    private static int WriteHelp(CommandContext context, ICommand command)
    {
        context.Out.Write(command.Help.ReplaceLineEndings("\n").TrimEnd() + "\n");
        return ExitCodes.Success;
    }

    public string MainHelp()
    {
        var width = _commands.Max(c => c.Name.Length) + 2;
        var lines = new List<string>
        {
            $"il2 {Version}: the IL-2 dose-hold protocol language tool",
            "",
            "Usage: il2 <command> [options] [arguments]",
            "       il2 --help | --version",
            "",
            "Commands:",
        };
        lines.AddRange(_commands.Select(c => $"  {c.Name.PadRight(width)}{c.Summary}"));
        lines.Add("");
        lines.Add("Run 'il2 <command> --help' for a command's options.");
        lines.Add($"Exit codes: {ExitCodes.Success} success, {ExitCodes.Failure} errors found, {ExitCodes.Usage} usage or I/O error.");
        return string.Join("\n", lines) + "\n";
    }
}
