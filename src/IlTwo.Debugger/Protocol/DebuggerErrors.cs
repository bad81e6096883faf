namespace IlTwo.Debugger.Protocol;

/// <summary>
/// A request the adapter refuses: sent back as an error response whose message starts with the stable code (a DAP####
/// of the adapter's, or the compiler's IL#### for a protocol with errors) and, where there is one, the file and line.
/// </summary>
public sealed class DapRequestException(DebuggerError error, string message) : Exception($"{error.Code}: {message}")
{
    public DebuggerError Error { get; } = error;
}

/// <summary>One kind of refusal: <see cref="Id"/> is the DAP error message id, <see cref="Code"/> the stable text code.</summary>
public sealed record DebuggerError(int Id, string Code)
{
    public static DebuggerError NoProgram { get; } = new(1001, "DAP0001");
    public static DebuggerError CannotRead { get; } = new(1002, "DAP0002");
    public static DebuggerError CompileErrors { get; } = new(1003, "DAP0003");
    public static DebuggerError UnknownScenario { get; } = new(1004, "DAP0004");
    public static DebuggerError NoScenario { get; } = new(1005, "DAP0005");
    public static DebuggerError NotLaunched { get; } = new(1006, "DAP0006");
    public static DebuggerError UnknownRequest { get; } = new(1007, "DAP0007");
    public static DebuggerError UnknownName { get; } = new(1008, "DAP0008");
    public static DebuggerError InternalError { get; } = new(1009, "DAP0009");
    public static DebuggerError BadArguments { get; } = new(1010, "DAP0010");
}
