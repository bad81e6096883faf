using IlTwo.Dsl.Analysis.Verification;

namespace IlTwo.Dsl.Tests.Analysis;

/// <summary>
/// The language server starts its solvers below normal priority, so that a proof yields the cores to the edits and
/// requests a user waits for; other hosts start them at the priority they run at. The answers do not change.
/// </summary>
public sealed class SolverProcessTests
{
    /// <summary>The nice value of a process (field 19 of /proc/PID/stat; the fields after the name's closing parenthesis start at field 3).</summary>
    private static int NiceOf(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (int Nice, bool? Answer) StartAndAsk(bool belowNormal)
    {
        var was = SolverProcesses.BelowNormalPriority;
        SolverProcesses.BelowNormalPriority = belowNormal;
        try
        {
            using var solver = SmtSolver.Start(5_000);
            var x = SmtTerm.Symbol("x", 0, SmtSort.Real);
            solver.Declare(x);
            solver.Assert(SmtTerm.Gt(x, SmtTerm.Real(3)));
            var nice = OperatingSystem.IsLinux() ? NiceOf(solver.ProcessId) : 0;
            return (nice, solver.Satisfiable(SmtTerm.Lt(x, SmtTerm.Real(2))));
        }
        finally
        {
            SolverProcesses.BelowNormalPriority = was;
        }
    }

    [Fact]
    public void A_solver_started_below_normal_runs_at_nice_10_and_answers_the_same()
    {
        var own = OperatingSystem.IsLinux() ? NiceOf(Environment.ProcessId) : 0;

        var normal = StartAndAsk(belowNormal: false);
        var lowered = StartAndAsk(belowNormal: true);

        Assert.False(normal.Answer);
        Assert.Equal(normal.Answer, lowered.Answer);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(own, normal.Nice);
            Assert.Equal(Math.Max(own, 10), lowered.Nice);
        }
    }
}
