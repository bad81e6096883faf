using System.CommandLine;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Cli.Commands;

/// <summary>
/// <c>il2 diff-driver</c>: the adapter git's external diff calls (<c>git config diff.il2.command "il2 diff-driver"</c>).
/// Git passes seven arguments: path old-file old-hex old-mode new-file new-hex new-mode.
/// </summary>
public sealed class DiffDriverCommand : ICommand
{
    private readonly Argument<string[]> _gitArguments = CliOptions.Operands("ARG",
        "the seven arguments git passes: PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE");

    public string Name => "diff-driver";

    public string Summary => "Git external diff driver: semantic diff of .il2 files (see docs/diff.md)";

    public string Details => """
        Called by git, not by hand. Set up once per repository:
          .gitattributes:   *.il2 diff=il2
          git config diff.il2.command "il2 diff-driver"
        then 'git diff' shows the semantic diff (il2 diff) of each changed protocol. An added or deleted file
        (/dev/null on one side) is reported as such. The protocol a version extends is looked up beside PATH.
        Set IL2_DIFF_FORMAT to md, html or json for another format.

        Exit codes: 0 compared (a version that does not compile is reported, and git goes on), 2 usage or I/O error.
        """;

    /// <summary>Git's arguments are paths and hashes, never options, whatever they start with.</summary>
    public bool OperandsMayStartWithDash => true;

    public void Define(Command command) => command.Add(_gitArguments);

    public int Run(CommandContext context, ParseResult parse)
    {
        var args = parse.Values(_gitArguments);
        if (args.Count != 7)
        {
            return context.UsageError($"diff-driver: git passes 7 arguments (path old-file old-hex old-mode new-file new-hex new-mode), got {args.Count}");
        }

        var (path, oldFile, newFile) = (args[0], args[1], args[4]);
        context.Out.WriteLine($"il2 diff a/{path} b/{path}");
        if (oldFile == "/dev/null" || newFile == "/dev/null")
        {
            context.Out.WriteLine(oldFile == "/dev/null" ? $"new protocol file {path}" : $"deleted protocol file {path}");
            return ExitCodes.Success;
        }
        var format = Environment.GetEnvironmentVariable("IL2_DIFF_FORMAT") is { Length: > 0 } f ? f : "text";
        // Both versions are named after the real path so that 'extends' finds the base protocol beside it.
        var fullPath = Path.GetFullPath(path);
        (ProtocolCompilation?, string?) Load(string spec)
        {
            var file = spec == "old" ? oldFile : newFile;
            try
            {
                return (ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(file), fullPath)), null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"{path}: cannot read {spec} version: {e.Message}");
            }
        }
        var code = DiffCommand.Diff(context, "old", "new", format, null, Load);
        // git stops at a non-zero exit; a version that does not compile is reported and the diff goes on.
        return code == ExitCodes.Usage ? code : ExitCodes.Success;
    }
}
