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

    /// <summary>
    /// Set to a number of milliseconds, a fixed diagnostics delay instead of the adaptive one (the benchmark's baseline:
    /// the server before the delay adapted waited a fixed 150 ms).
    /// </summary>
    public const string FixedDelayVariable = "IL2_LSP_DIAGNOSTICS_DELAY_MS";

    public int Run(CommandContext context, ParseResult parse)
    {
        var options = int.TryParse(Environment.GetEnvironmentVariable(FixedDelayVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms <= 10_000
            ? new LanguageServerOptions { DiagnosticsDelay = TimeSpan.FromMilliseconds(ms) }
            : new LanguageServerOptions();
        return LanguageServerHost.RunStdioAsync(options).GetAwaiter().GetResult();
    }
}
