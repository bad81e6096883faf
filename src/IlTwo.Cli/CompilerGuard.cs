namespace IlTwo.Cli;

/// <summary>
/// Runs compiler work on a thread with a large stack and turns any exception into a value, so one bad file
/// can never crash a command or print a stack trace. The core refuses deep nesting itself; the big stack is belt and braces.
/// </summary>
public static class CompilerGuard
{
    public const int StackSize = 256 * 1024 * 1024;

    /// <summary>The result of <paramref name="work"/>, or the exception it threw.</summary>
    public static (T? Result, Exception? Error) Run<T>(Func<T> work)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, StackSize)
        {
            IsBackground = true,
            Name = "il2 compiler",
        };
        thread.Start();
        thread.Join();
        return (result, error);
    }
}
