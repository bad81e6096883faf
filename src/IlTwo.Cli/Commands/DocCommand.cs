using System.CommandLine;
using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Rendering;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 doc FILE -o OUT.html</c>: a self-contained HTML review document for the pharmacy committee.</summary>
public sealed class DocCommand : ICommand
{
    private readonly Option<string[]> _output = CliOptions.Valued("--output", "FILE", "the HTML file to write", ["-o"]);

    private readonly Option<string[]> _trust = CliOptions.Valued("--trust", "STORE", "verify the approvals listed (see 'il2 keys')");

    private readonly Argument<string[]> _file = CliOptions.Operands("FILE", "the protocol (.il2) to document");

    public string Name => "doc";

    public string Summary => "Write a self-contained HTML review document of a protocol";

    public string Details => """
        Checks FILE (with the protocols it extends) and, when it has no errors, writes one HTML file that
        needs nothing else (inline CSS and SVG, no scripts, no external resources): the header (id, title,
        version, hashes, compiler, extends chain), the regimen with a dosing schema, the hold and discontinue
        criteria with their sources (unverified ones flagged), the observations, the scenarios and their
        results, coverage findings, the analysis warnings, and the approvals recorded in approvals.json
        beside FILE (if there is one): verified against the trust store with --trust, else marked unverified.

        Exit codes: 0 written, 1 the protocol has errors, 2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        command.Add(_output);
        command.Add(_trust);
        command.Add(_file);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_file);
        var output = parse.Value(_output);
        if (operands.Count != 1 || output is null)
        {
            return context.UsageError("doc: give one protocol file and an output file: il2 doc FILE -o OUT.html");
        }

        var path = operands[0];
        var compilation = ProtocolBuilds.CompileWithoutErrors(context, path, "doc: not written", out var failure);
        if (compilation is null)
        {
            return failure;
        }

        ReviewApprovals? approvals = null;
        var approvalsPath = ProtocolApprovals.PathFor(path);
        if (File.Exists(approvalsPath))
        {
            try
            {
                var signatures = ApprovalSignatures.Load(approvalsPath);
                ApprovalVerdict? verdict = null;
                if (parse.Value(_trust) is { } trustPath)
                {
                    var (assembly, _) = CompilerGuard.Run(() => ProtocolCompiler.Compile(compilation));
                    if (assembly is { Success: true })
                    {
                        verdict = new ApprovalVerifier(TrustStore.Load(trustPath)).Verify(signatures.Signatures, ProtocolApprovals.Facts(compilation, assembly), ApprovalEntry.TodayUtc());
                    }
                }
                approvals = new ReviewApprovals([.. signatures.UnverifiedClaims().OfType<ApprovalEntry>()], verdict);
            }
            catch (TrustException e)
            {
                context.Error.WriteLine($"il2: warning: approvals not shown: {e.Message}");
            }
        }

        var (html, renderError) = CompilerGuard.Run(() => ReviewDocument.Render(compilation, new ReviewDocumentOptions { Approvals = approvals }));
        if (html is null)
        {
            context.Error.WriteLine(DiagnosticCatalog.FormatInternalError(path, "internal error while writing the review document", renderError));
            return ExitCodes.Failure;
        }
        try
        {
            var full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, html, new System.Text.UTF8Encoding(false));
            context.Out.WriteLine($"wrote review document for {compilation.Protocol.Id} {compilation.Protocol.Version} -> {output}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{output}: cannot write: {e.Message}");
        }
    }
}
