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
    private static readonly string[] Valued = ["format", "output", "o"];

    public string Name => "diff";

    public string Summary => "Compare two versions of a protocol by meaning, with a safety verdict per change";

    public string Help => """
        Usage: il2 diff [--format text|md|html|json] [-o FILE] OLD NEW

        Compares two versions of a protocol by meaning (rules, regimen, observations, references, scenarios), not by
        text: layout and comments make no difference. Each change is classified as more conservative, less
        conservative, neutral or cannot tell; a less conservative change comes with a patient state, checked on
        both versions, that the new version gives a dose and the old one held. The first line is the overall verdict.

        Arguments:
          OLD, NEW         a .il2 file, or REV:path read from git (e.g. HEAD~1:protocols/post-til-il2.il2); the
                           protocol it extends is read from the same revision

        Options:
          --format text    plain text (default)
          --format md      Markdown for a committee packet
          --format html    a self-contained HTML page (inline CSS)
          --format json    stable JSON (schema il2-diff/1, docs/diff.md)
          -o, --output F   write to file F instead of stdout

        Exit codes: 0 compared, 1 a version does not compile, 2 usage or I/O error (missing file, git, revision).
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [], Valued, out var error);
        if (line is null)
            return context.UsageError($"diff: {error}");
        var format = line.Value("format") ?? "text";
        if (format is not ("text" or "md" or "markdown" or "html" or "json"))
            return context.UsageError($"diff: unknown format '{format}'; use text, md, html or json");
        if (line.Operands.Count != 2)
            return context.UsageError("diff: give two protocol versions, OLD and NEW; run 'il2 diff --help'");
        return Diff(context, line.Operands[0], line.Operands[1], format, line.Value("output") ?? line.Value("o"));
    }

    internal static int Diff(CommandContext context, string oldSpec, string newSpec, string format, string? output,
        Func<string, (ProtocolCompilation?, string?)>? load = null)
    {
        load ??= spec => Load(context, spec);
        var (result, exception) = CompilerGuard.Run(() =>
        {
            var (old, oldError) = load(oldSpec);
            if (old is null)
                return (Code: ExitCodes.Usage, Text: oldError);
            var (@new, newError) = load(newSpec);
            if (@new is null)
                return (Code: ExitCodes.Usage, Text: newError);
            foreach (var (compilation, spec) in new[] { (old, oldSpec), (@new, newSpec) })
            {
                var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError).ToList();
                if (errors.Count > 0)
                    return (Code: ExitCodes.Failure, Text: $"{spec} does not compile:\n" + string.Join("\n", errors.Select(d => d.ToCompilerFormat())));
            }
            var diff = ProtocolComparer.Compare(old, @new, oldSpec, newSpec);
            return (Code: ExitCodes.Success, Text: DiffFormatter.Format(diff, format));
        });
        if (exception is not null)
            return context.UsageError($"diff: internal error: {exception.Message}");
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
            return (null, $"{spec}: no such file (for a git version write REV:path, e.g. HEAD:protocols/x.il2)");
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
