using System.CommandLine;
using IlTwo.Debugger;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 dap</c>: the debug adapter over stdin/stdout. Stdout carries only protocol messages.</summary>
public sealed class DapCommand : ICommand
{
    public string Name => "dap";

    public string Summary => "Run the debug adapter (Debug Adapter Protocol over stdio) for editors";

    public string Details => """
        Speaks the Debug Adapter Protocol on standard input and output (Content-Length framed JSON). 'launch' takes
        'program' (the .il2 file), 'scenario' (a scenario title; absent: every scenario of the file in turn) and
        'stopOnEntry'; the debugger steps through the scenario's decision rule by rule with the same engine as
        'il2 test'. Logs go to standard error. Editors start this; people do not.

        Exit codes: 0 after 'disconnect', 1 when the input ends first or is not DAP.
        """;

    /// <summary>No options and no operands: anything else on the line is a usage error.</summary>
    public void Define(Command command)
    {
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        return DebugAdapter.RunAsync(input, output, Console.Error).GetAwaiter().GetResult();
    }
}
