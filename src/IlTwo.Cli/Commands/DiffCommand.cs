using System.CommandLine;
using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Rendering;
using IlTwo.Dsl.Revisions;
using IlTwo.Dsl.Text;

namespace IlTwo.Cli.Commands;

/// <summary>
/// <c>il2 diff OLD NEW</c>: what changed in meaning between two versions of a protocol, and whether each change is safer or
/// riskier for the patient. OLD and NEW are files or <c>REV:path</c> read from git.
/// </summary>
public sealed class DiffCommand : ICommand
{
    private readonly Option<string[]> _format = CliOptions.Valued("--format", "text|md|html|json",
        "text: plain text (default); md: Markdown for a committee packet; html: a self-contained HTML page (inline CSS); json: stable JSON (schema il2-diff/1, docs/diff.md)",
        null, "text", "md", "html", "json");

    private readonly Option<string[]> _output = CliOptions.Valued("--output", "FILE", "write to FILE instead of stdout", ["-o"]);

    private readonly Argument<string[]> _versions = CliOptions.Operands("OLD NEW",
        "a .il2 file, or REV:path read from git (e.g. HEAD~1:protocols/post-til-il2.il2); the protocol it extends is read from the same revision");

    public string Name => "diff";

    public string Summary => "Compare two versions of a protocol by meaning, with a safety verdict per change";

    public string Details => """
        Compares two versions of a protocol by meaning (rules, regimen, observations, references, scenarios), not by
        text: layout and comments make no difference. Each change is classified as more conservative, less
        conservative, neutral or cannot tell; a less conservative change comes with a patient state, checked on
        both versions, that the new version gives a dose and the old one held. The first line is the overall verdict.
        A 'claim more conservative than' that does not hold (or cannot be proven) in either version is listed as a
        finding, with its counterexample; the versions are still compared.

        Exit codes: 0 compared, 1 a version does not compile, 2 usage or I/O error (missing file, git, revision).
        """;

    public void Define(Command command)
    {
        command.Add(_format);
        command.Add(_output);
        command.Add(_versions);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_versions);
        var format = parse.Value(_format) ?? "text";
        if (format is not ("text" or "md" or "markdown" or "html" or "json"))
        {
            return context.UsageError($"diff: unknown format '{format}'; use text, md, html or json");
        }

        if (operands.Count != 2)
        {
            return context.UsageError("diff: give two protocol versions, OLD and NEW; run 'il2 diff --help'");
        }

        return Diff(context, operands[0], operands[1], format, parse.Value(_output));
    }

    internal static int Diff(CommandContext context, string oldSpec, string newSpec, string format, string? output,
        Func<string, (ProtocolCompilation?, string?)>? load = null)
    {
        load ??= spec => Load(context, spec);
        var (result, exception) = CompilerGuard.Run(() =>
        {
            var (old, oldError) = load(oldSpec);
            if (old is null)
            {
                return (Code: ExitCodes.Usage, Text: oldError);
            }

            var (@new, newError) = load(newSpec);
            if (@new is null)
            {
                return (Code: ExitCodes.Usage, Text: newError);
            }

            foreach (var (compilation, spec) in new[] { (old, oldSpec), (@new, newSpec) })
            {
                // A refuted claim does not stop the comparison: it is reported as a finding of the diff.
                var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError && !ProtocolComparer.IsFinding(d)).ToList();
                if (errors.Count > 0)
                {
                    return (Code: ExitCodes.Failure, Text: $"{spec} does not compile:\n" + string.Join("\n", errors.Select(d => d.ToCompilerFormat())));
                }
            }
            var diff = ProtocolComparer.Compare(old, @new, oldSpec, newSpec);
            return (Code: ExitCodes.Success, Text: DiffFormatter.Format(diff, format));
        });
        if (exception is IlTwo.Dsl.Analysis.Verification.SolverUnavailableException)
        {
            // Not a crash and never a verdict: the comparison is proven by the solver or not made at all.
            return context.UsageError($"diff: {exception.Message}");
        }

        if (exception is not null)
        {
            return context.UsageError($"diff: internal error: {exception.Message}");
        }

        var (code, text) = result;
        if (code != ExitCodes.Success)
        {
            context.Error.WriteLine($"il2: {text}");
            return code;
        }
        if (output is null)
        {
            context.Out.Write(text);
        }
        else
        {
            try
            {
                File.WriteAllText(output, text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.UsageError($"diff: cannot write '{output}': {e.Message}");
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>A file (if it exists), else <c>REV:path</c> from git.</summary>
    internal static (ProtocolCompilation?, string?) Load(CommandContext context, string spec)
    {
        if (context.FileSystem.FileExists(spec))
        {
            try
            {
                return (ProtocolCompilation.Create(SourceText.FromBytes(context.FileSystem.ReadAllBytes(spec), spec)), null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"{spec}: cannot read file: {e.Message}");
            }
        }
        if (ProtocolRevisions.Parse(spec) is not { } git)
        {
            return (null, $"{spec}: no such file (for a git version write REV:path, e.g. HEAD:protocols/x.il2)");
        }

        try
        {
            var source = ProtocolRevisions.Open(git.Revision);
            return (ProtocolCompilation.Create(source.Read(git.Path), source), null);
        }
        catch (ProtocolSourceException e)
        {
            return (null, e.Message);
        }
    }
}
