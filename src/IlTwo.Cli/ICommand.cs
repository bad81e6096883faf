using System.CommandLine;

namespace IlTwo.Cli;

/// <summary>
/// One <c>il2</c> sub-command: it declares its options and arguments on a System.CommandLine <see cref="Command"/>
/// (help, typo suggestions and shell completion come from those declarations) and runs on the parse result.
/// Commands write only to <see cref="CommandContext"/>'s writers, never to the console.
/// </summary>
public interface ICommand
{
    /// <summary>The word after <c>il2</c> (<c>check</c>, <c>build</c>...).</summary>
    string Name { get; }

    /// <summary>One line for <c>il2 --help</c> and the top of <c>il2 &lt;command&gt; --help</c>.</summary>
    string Summary { get; }

    /// <summary>What <c>il2 &lt;command&gt; --help</c> says after the options: what the command does, and its exit codes.</summary>
    string Details { get; }

    /// <summary>Adds the command's options, arguments (and sub-commands, for <c>keys</c>) to <paramref name="command"/>.</summary>
    void Define(Command command);

    /// <summary>
    /// Runs the command on a parse without errors (the host has already refused unknown options and
    /// option-like operands before <c>--</c>); returns an <see cref="ExitCodes"/> value.
    /// </summary>
    int Run(CommandContext context, ParseResult parse);

    /// <summary>
    /// True for a command whose operands are never options (git's arguments to <c>diff-driver</c>): a word starting
    /// with <c>-</c> is then an operand, not an unknown option.
    /// </summary>
    bool OperandsMayStartWithDash => false;
}
