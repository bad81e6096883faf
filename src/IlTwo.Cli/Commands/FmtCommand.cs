using System.CommandLine;
using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 fmt [--check] PATH...</c>: puts protocol files in the one canonical layout, keeping every comment.</summary>
public sealed class FmtCommand : ICommand
{
    private readonly Option<bool> _check = CliOptions.Flag("--check", "change nothing; name each file that would change and exit 1 if there is one");

    private readonly Argument<string[]> _paths = CliOptions.Operands("PATH", "a .il2 file, or a folder searched recursively for *.il2 files");

    public string Name => "fmt";

    public string Summary => "Format protocol files in the canonical layout (or --check that they are)";

    public string Details => """
        Rewrites each protocol file in the one canonical layout, keeping every comment. A file with syntax
        errors is left untouched. Files are replaced atomically, so an interrupted run never loses a file.

        Exit codes: 0 formatted (or already formatted), 1 a file would change (--check) or has syntax errors,
        2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        command.Add(_check);
        command.Add(_paths);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_paths);
        if (operands.Count == 0)
        {
            return context.UsageError("fmt: give at least one file or folder; run 'il2 fmt --help'");
        }

        var check = parse.GetValue(_check);

        var set = ProtocolFiles.Expand(operands, context.FileSystem);
        foreach (var message in set.Errors)
        {
            context.Error.WriteLine($"il2: {message}");
        }

        var ioError = set.Errors.Count > 0;
        int changed = 0, broken = 0;

        foreach (var file in set.Files)
        {
            byte[] bytes;
            try
            {
                bytes = context.FileSystem.ReadAllBytes(file.FullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"il2: {file.DisplayPath}: cannot read file: {e.Message}");
                ioError = true;
                continue;
            }

            var (result, exception) = CompilerGuard.Run(() => ProtocolFormatter.Format(SyntaxTree.Parse(SourceText.FromBytes(bytes, file.FullPath))));
            if (result is null || result.HasSyntaxErrors)
            {
                context.Error.WriteLine($"{file.DisplayPath}: not formatted: {(exception is null ? "the file has syntax errors (run 'il2 check')" : exception.Message)}");
                broken++;
                continue;
            }
            if (!result.Changed)
            {
                continue;
            }

            changed++;
            if (check)
            {
                context.Out.WriteLine($"{file.DisplayPath}: would be reformatted");
                continue;
            }
            try
            {
                WriteAtomically(file.FullPath, result.Text);
                context.Out.WriteLine($"{file.DisplayPath}: formatted");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"il2: {file.DisplayPath}: cannot write file: {e.Message}");
                ioError = true;
            }
        }

        if (ioError)
        {
            return ExitCodes.Usage;
        }

        return broken > 0 || (check && changed > 0) ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>Writes beside the file, then renames over it: the original stays whole until the new text is on disk.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, text, new System.Text.UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
