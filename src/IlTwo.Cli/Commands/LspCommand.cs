using System.CommandLine;
using IlTwo.LanguageServer;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 lsp</c>: the language server over stdin/stdout. Stdout carries only protocol messages.</summary>
public sealed class LspCommand : ICommand
{
    public string Name => "lsp";

    public string Summary => "Run the language server (LSP 3.17 over stdio) for editors";

    public string Details => """
        Speaks the Language Server Protocol 3.17 on standard input and output (Content-Length framed JSON-RPC).
        Logs go to standard error and to the client's window/logMessage. Editors start this; people do not.

        Exit codes: 0 after 'shutdown' then 'exit', 1 when the connection ends otherwise.
        """;

    /// <summary>No options and no operands: anything else on the line is a usage error.</summary>
    public void Define(Command command)
    {
    }

    public int Run(CommandContext context, ParseResult parse) => LanguageServerHost.RunStdioAsync().GetAwaiter().GetResult();
}
