using IlTwo.Cli;

namespace IlTwo.Fuzz;

internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    /// <summary>Runs the CLI in memory, on a worker thread, within <paramref name="timeout"/>; null when it did not finish (a hang).</summary>
    public static (int Exit, string Out, string Error, Exception? Crash)? RunCli(TimeSpan timeout, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var run = Task.Run(() => CliApplication.Run(args, stdout, stderr));
        try
        {
            if (!run.Wait(timeout))
            {
                return null;
            }

            return (run.Result, stdout.ToString(), stderr.ToString(), null);
        }
        catch (AggregateException e)
        {
            return (-1, stdout.ToString(), stderr.ToString(), e.InnerException ?? e);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (IlTwo.Dsl.sln) not found above " + AppContext.BaseDirectory);
    }
}
