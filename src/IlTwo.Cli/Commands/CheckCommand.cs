using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.Cli.Commands;

/// <summary>
/// <c>il2 check PATH...</c>: compiles each protocol file and prints its diagnostics in the compiler format
/// (<c>path(line,col): error IL0123: message</c>) or as JSON, then a summary line.
/// </summary>
public sealed class CheckCommand : ICommand
{
    private readonly Option<string[]> _format = CliOptions.Valued("--format", "text|json",
        "text: the compiler format (default); json: a JSON array of {path, line, column, endLine, endColumn, severity, code, message} on stdout, the summary on stderr",
        null, "text", "json");

    private readonly Argument<string[]> _paths = CliOptions.Operands("PATH", "a .il2 file, or a folder searched recursively for *.il2 files");

    private readonly Func<SourceText, IReadOnlyList<Diagnostic>> _compile;

    /// <param name="compile">The compiler to run on each file (tests substitute one that fails).</param>
    public CheckCommand(Func<SourceText, IReadOnlyList<Diagnostic>>? compile = null) =>
        _compile = compile ?? (text => ProtocolCompilation.Create(text).Diagnostics);

    public string Name => "check";

    public string Summary => "Compile protocol files and report their diagnostics";

    public string Details => """
        Compiles each protocol file (with the protocols it extends) and prints one line per diagnostic:
          path(line,col): error IL0123: message
        then a summary line 'checked N file(s): E error(s), W warning(s)'.

        Exit codes: 0 no errors, 1 errors found, 2 usage or I/O error (missing path, unreadable file).
        """;

    public void Define(Command command)
    {
        command.Add(_format);
        command.Add(_paths);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_paths);
        var format = parse.Value(_format) ?? "text";
        if (format is not ("text" or "json"))
        {
            return context.UsageError($"check: unknown format '{format}'; use 'text' or 'json'");
        }

        if (operands.Count == 0)
        {
            return context.UsageError("check: give at least one file or folder; run 'il2 check --help'");
        }

        var set = ProtocolFiles.Expand(operands, context.FileSystem);
        var ioError = false;
        foreach (var message in set.Errors)
        {
            context.Error.WriteLine($"il2: {message}");
            ioError = true;
        }

        var results = new List<FileDiagnostic>();
        int files = 0, errors = 0, warnings = 0;
        foreach (var file in set.Files)
        {
            byte[] bytes;
            try
            {
                bytes = context.FileSystem.ReadAllBytes(file.FullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                context.Error.WriteLine($"il2: {CompilerFormat.Path(file.DisplayPath)}: cannot read file: {CompilerFormat.Message(e.Message)}");
                ioError = true;
                continue;
            }

            files++;
            foreach (var diagnostic in Check(file, bytes))
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                {
                    errors++;
                }
                else if (diagnostic.Severity == DiagnosticSeverity.Warning)
                {
                    warnings++;
                }

                if (format == "text")
                {
                    context.Out.WriteLine(diagnostic.ToCompilerFormat());
                }
                else
                {
                    results.Add(diagnostic);
                }
            }
        }

        var summary = $"checked {files} file(s): {errors} error(s), {warnings} warning(s)";
        if (format == "json")
        {
            context.Out.WriteLine(ToJson(results));
            context.Error.WriteLine(summary);
        }
        else
        {
            context.Out.WriteLine(summary);
        }
        return ioError ? ExitCodes.Usage : errors > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>Compiles one file under the guard: an unexpected exception becomes one located internal error.</summary>
    private List<FileDiagnostic> Check(ProtocolFile file, byte[] bytes)
    {
        var (result, exception) = CompilerGuard.Run(() =>
        {
            var text = SourceText.FromBytes(bytes, file.FullPath);
            return _compile(text).Select(d => FileDiagnostic.From(file.DisplayPath, d)).ToList();
        });
        if (exception is not null || result is null)
        {
            var message = exception is null ? "the compiler returned nothing" : $"{exception.GetType().Name}: {exception.Message}";
            return [new FileDiagnostic(file.DisplayPath, 1, 1, 1, 1, DiagnosticCatalog.InternalError.Severity, DiagnosticCatalog.InternalError.Code, $"internal compiler error: {OneLine(message)}")];
        }
        return result;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string ToJson(List<FileDiagnostic> diagnostics) =>
        JsonSerializer.Serialize(diagnostics, JsonOptions).ReplaceLineEndings("\n");

    /// <summary>A diagnostic placed in a file as the user named it; one-based lines and columns.</summary>
    /// <remarks>Its properties, in order, are the JSON output's fields (<c>severity</c> as its word).</remarks>
    private sealed record FileDiagnostic(
        string Path,
        int Line,
        int Column,
        int EndLine,
        int EndColumn,
        [property: JsonConverter(typeof(SeverityWordConverter))] DiagnosticSeverity Severity,
        string Code,
        string Message)
    {
        public static FileDiagnostic From(string path, Diagnostic d) =>
            new(path, d.Start.Line + 1, d.Start.Character + 1, d.End.Line + 1, d.End.Character + 1, d.Severity, d.Code, OneLine(d.Message));

        public string ToCompilerFormat() => $"{CompilerFormat.Path(Path)}({Line},{Column}): {Severity.Word()} {Code}: {CompilerFormat.Message(Message)}";
    }

    private sealed class SeverityWordConverter : JsonConverter<DiagnosticSeverity>
    {
        public override DiagnosticSeverity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("check's JSON is output only");

        public override void Write(Utf8JsonWriter writer, DiagnosticSeverity value, JsonSerializerOptions options) => writer.WriteStringValue(value.Word());
    }
}
