using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IlTwo.Dsl.Analysis.Verification;

/// <summary>What the solver answered to one <c>(check-sat)</c>.</summary>
internal enum SmtAnswer
{
    Sat,
    Unsat,
    Unknown,
}

/// <summary>The SMT solver the verifier needs is not installed or did not start: a stable code, never a verdict.</summary>
public sealed class SolverUnavailableException(string message) : Exception(message)
{
    /// <summary>The stable code printed with the message.</summary>
    public const string Code = "IL2-VERIFY-001";

    public override string Message => $"{Code}: {base.Message}";
}

/// <summary>How this process starts its SMT solver processes.</summary>
public static class SolverProcesses
{
    /// <summary>
    /// Start each solver below normal priority (nice 10 on Linux). For a host whose analysis runs beside what a user waits
    /// for, the language server: a proof then yields the cores to the next edit's diagnostics, completion and hover.
    /// The answers are the same; only a busy machine makes the proof slower.
    /// </summary>
    public static bool BelowNormalPriority { get; set; }
}

/// <summary>
/// One long-lived <c>z3 -in</c> process spoken to in SMT-LIB 2 over a pipe (as Boogie and Dafny do): declarations and
/// assertions are written as they come, each question is a <c>(push)</c> ... <c>(check-sat)</c> ... <c>(pop)</c>,
/// with a time limit per query. <c>unknown</c> (a timeout included) is returned with the solver's reason.
/// </summary>
internal sealed class SmtSolver : IDisposable
{
    /// <summary>The solver executable: <c>IL2_Z3</c> when set (a path), else <c>z3</c> on the PATH.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("IL2_Z3") is { Length: > 0 } path ? path : "z3";

    private readonly Process _process;
    private readonly StreamWriter _in;
    private readonly StreamReader _out;
    private readonly StringBuilder _transcript = new();

    private SmtSolver(Process process)
    {
        _process = process;
        _in = process.StandardInput;
        _out = process.StandardOutput;
    }

    /// <summary>The commands sent so far (for a bug report; holds generated symbols and numbers only).</summary>
    public string Transcript => _transcript.ToString();

    public int Queries { get; private set; }

    /// <summary>The solver process (for a test of how it was started).</summary>
    internal int ProcessId => _process.Id;

    public static SmtSolver Start(int timeoutMilliseconds)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("-in");
        info.ArgumentList.Add("-smt2");
        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            throw new SolverUnavailableException($"the SMT solver '{Executable}' could not be started ({e.Message}); install z3 (apt-get install z3) or set IL2_Z3 to its path");
        }
        if (process is null)
        {
            throw new SolverUnavailableException($"the SMT solver '{Executable}' could not be started; install z3 (apt-get install z3) or set IL2_Z3 to its path");
        }

        if (SolverProcesses.BelowNormalPriority)
        {
            try
            {
                process.PriorityClass = ProcessPriorityClass.BelowNormal;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
            {
                // Normal priority: slower beside a user's edits, the same answers.
            }
        }

        process.StandardInput.AutoFlush = false;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var solver = new SmtSolver(process);
        solver.Send("(set-option :print-success false)");
        solver.Send("(set-option :produce-models true)");
        solver.Send($"(set-option :timeout {timeoutMilliseconds.ToString(CultureInfo.InvariantCulture)})");
        solver.Send("(set-logic ALL)");
        return solver;
    }

    public void Send(string command)
    {
        _transcript.Append(command).Append('\n');
        try
        {
            _in.Write(command);
            _in.Write('\n');
        }
        catch (IOException e)
        {
            throw new SolverUnavailableException($"the SMT solver '{Executable}' stopped ({e.Message})");
        }
    }

    public void Declare(SmtTerm symbol) => Send($"(declare-fun {symbol.Text} () {symbol.Sort})");

    public void Assert(SmtTerm term) => Send($"(assert {term.Text})");

    public void Push() => Send("(push 1)");

    public void Pop() => Send("(pop 1)");

    /// <summary>Whether some state satisfies <paramref name="term"/> on top of what is asserted: false only when proven (unsat), null when the solver gave up.</summary>
    public bool? Satisfiable(SmtTerm term)
    {
        if (term == SmtTerm.False)
        {
            return false;
        }

        Push();
        try
        {
            Assert(term);
            return Check().Answer switch { SmtAnswer.Unsat => false, SmtAnswer.Sat => true, _ => null };
        }
        finally
        {
            Pop();
        }
    }

    /// <summary>sat, unsat or unknown (with the solver's reason, e.g. "timeout").</summary>
    public (SmtAnswer Answer, string? Reason) Check()
    {
        Queries++;
        Send("(check-sat)");
        var watch = Stopwatch.StartNew();
        var line = ReadLine();
        if (Environment.GetEnvironmentVariable("IL2_SMT_TRACE") is { Length: > 0 })
        {
            Console.Error.WriteLine($"smt: query {Queries}: {line} in {watch.ElapsedMilliseconds} ms at {Environment.TickCount64 % 100000}");
        }

        switch (line)
        {
            case "sat":
                return (SmtAnswer.Sat, null);
            case "unsat":
                return (SmtAnswer.Unsat, null);
            case "unknown":
                Send("(get-info :reason-unknown)");
                var reason = ReadSExpression();
                return (SmtAnswer.Unknown, reason.Replace("(:reason-unknown", "").TrimEnd(')').Trim().Trim('"'));
            default:
                throw new InvalidOperationException($"the SMT solver answered '{line}' to (check-sat)");
        }
    }

    /// <summary>The model's values of <paramref name="symbols"/> (after a sat answer); null for a value that is not a number or a Boolean.</summary>
    public Dictionary<string, string> Values(IReadOnlyCollection<SmtTerm> symbols)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (symbols.Count == 0)
        {
            return result;
        }

        Send($"(get-value ({string.Join(' ', symbols.Select(s => s.Text))}))");
        var text = ReadSExpression().Trim();
        // ((x0 3.0) (x1 (- 1.0)) ...)
        var inner = text[1..^1];
        var depth = 0;
        var start = -1;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '(')
            {
                if (depth == 0)
                {
                    start = i;
                }

                depth++;
            }
            else if (inner[i] == ')')
            {
                depth--;
                if (depth == 0)
                {
                    var pair = inner[(start + 1)..i].Trim();
                    var space = pair.IndexOf(' ');
                    result[pair[..space]] = pair[(space + 1)..].Trim();
                }
            }
        }
        return result;
    }

    private string ReadLine()
    {
        _in.Flush();
        while (true)
        {
            var line = _out.ReadLine() ?? throw new SolverUnavailableException($"the SMT solver '{Executable}' stopped unexpectedly");
            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("(error", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the SMT solver reported an error (an encoder bug): {line}");
            }

            return line;
        }
    }

    private string ReadSExpression()
    {
        var sb = new StringBuilder(ReadLine());
        int Depth() => sb.ToString().Count(c => c == '(') - sb.ToString().Count(c => c == ')');
        while (Depth() > 0)
        {
            sb.Append(' ').Append(_out.ReadLine() ?? throw new SolverUnavailableException($"the SMT solver '{Executable}' stopped unexpectedly"));
        }
        return sb.ToString();
    }

    public void Dispose()
    {
        try
        {
            _in.Write("(exit)\n");
            _in.Flush();
            _in.Close();
            if (!_process.WaitForExit(1000))
            {
                _process.Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
