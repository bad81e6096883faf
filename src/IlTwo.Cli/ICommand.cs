namespace IlTwo.Cli;

/// <summary>One <c>il2</c> sub-command. Commands write only to <see cref="CommandContext"/>'s writers, never to the console.</summary>
public interface ICommand
{
    /// <summary>The word after <c>il2</c> (<c>check</c>, <c>build</c>...).</summary>
    string Name { get; }

    /// <summary>One line for <c>il2 --help</c>.</summary>
    string Summary { get; }

    /// <summary>The full text for <c>il2 &lt;command&gt; --help</c>: usage line, arguments and options.</summary>
    string Help { get; }

    /// <summary>Runs the command on its arguments (the command name removed); returns an <see cref="ExitCodes"/> value.</summary>
    int Run(CommandContext context, IReadOnlyList<string> args);
}
