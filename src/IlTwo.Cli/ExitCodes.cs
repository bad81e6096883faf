namespace IlTwo.Cli;

/// <summary>The process exit codes every command uses.</summary>
public static class ExitCodes
{
    /// <summary>The command did its work and found no errors.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found errors in the input (diagnostics with error severity, failed tests...).</summary>
    public const int Failure = 1;

    /// <summary>The command could not run: bad usage (unknown command or option, missing argument) or an I/O error.</summary>
    public const int Usage = 2;
}
