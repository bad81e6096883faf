using System.Diagnostics;

namespace IlTwo.Cli.Tests;

/// <summary>
/// What il2 says when the SMT solver gives up or is missing, run as a process with <c>IL2_Z3</c> naming a stand-in: a
/// solver that answers "unknown" to every query (as z3 does past its time budget) or no solver at all. Neither is ever
/// read as a proof: the claim stays an unproven warning naming what could not be decided, and the diff says "cannot tell"
/// or refuses with a stable code. This is also the test of IL0308, which a real z3 decides on every corpus protocol.
/// </summary>
public sealed class SolverTests
{
    private static readonly string Il2 = Path.Combine(AppContext.BaseDirectory, "il2.dll");
    private static readonly string Monotherapy = Path.Combine(CliRunner.ProtocolsFolder, "hd-il2-monotherapy.il2");
    private static readonly string PostTil = Path.Combine(CliRunner.ProtocolsFolder, "post-til-il2.il2");

    /// <summary>The one test of IL0308 (listed in the Dsl corpus guard's exceptions).</summary>
    [Fact]
    public void Claim_is_a_warning_naming_the_rules_when_the_solver_gives_up()
    {
        using var temp = new TempFolder();
        var result = Run(GivingUpSolver(temp), "check", CliRunner.ProtocolsFolder);

        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.OutLines, l => l.Contains("warning IL0308", StringComparison.Ordinal));
        Assert.StartsWith(PostTil.Replace('\\', '/'), warning, StringComparison.Ordinal);
        Assert.Contains("claim 'more conservative than hd-il2-monotherapy' cannot be proven", warning, StringComparison.Ordinal);
        Assert.Contains("within 10 s (timeout)", warning, StringComparison.Ordinal);
        // Names a few of the rules it could not decide and counts the rest, not sixty names in one line.
        Assert.Matches(@"\d+ rules \('[a-z0-9-]+', '[a-z0-9-]+', '[a-z0-9-]+', '[a-z0-9-]+', '[a-z0-9-]+' and \d+ more\)", warning);
        Assert.Contains("checked 2 file(s): 0 error(s), 1 warning(s)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_cannot_tell_and_says_why_when_the_solver_gives_up()
    {
        using var temp = new TempFolder();
        var result = Run(GivingUpSolver(temp), "diff", Monotherapy, PostTil);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Overall: CANNOT TELL", result.Out, StringComparison.Ordinal);
        Assert.Contains("Hold and stop rules as a whole: cannot tell — the solver could not decide", result.Out, StringComparison.Ordinal);
        Assert.Contains("within 10 s (timeout)", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("MORE CONSERVATIVE", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_solver_the_diff_refuses_with_a_stable_code_and_the_claim_stays_unproven()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "no-such-z3");

        var diff = Run(missing, "diff", Monotherapy, PostTil);
        Assert.Equal(ExitCodes.Usage, diff.ExitCode);
        Assert.Equal("", diff.Out);
        Assert.StartsWith("il2: diff: IL2-VERIFY-001: the SMT solver", diff.Error, StringComparison.Ordinal);
        Assert.Contains("install z3", diff.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", diff.Error, StringComparison.Ordinal);

        var check = Run(missing, "check", CliRunner.ProtocolsFolder);
        Assert.Equal(0, check.ExitCode);
        var warning = Assert.Single(check.OutLines, l => l.Contains("warning IL0308", StringComparison.Ordinal));
        Assert.Contains("IL2-VERIFY-001", warning, StringComparison.Ordinal);
    }

    /// <summary>A stand-in for z3 that answers every (check-sat) with unknown, reason timeout.</summary>
    private static string GivingUpSolver(TempFolder temp)
    {
        var path = temp.Write("gives-up.sh", """
            #!/bin/sh
            while IFS= read -r line; do
              case "$line" in
                *"(check-sat)"*) echo unknown ;;
                *":reason-unknown"*) echo '(:reason-unknown "timeout")' ;;
              esac
            done
            """.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static CliResult Run(string solver, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Il2);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["IL2_Z3"] = solver;
        start.Environment["IL2_NO_CACHE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"il2 {string.Join(' ', args)} did not finish within 120 s");
        }

        return new CliResult(process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
    }
}
