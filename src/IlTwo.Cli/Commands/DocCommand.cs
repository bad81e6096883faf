using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Review.Approvals;
using IlTwo.Dsl.Review.Document;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 doc FILE -o OUT.html</c>: a self-contained HTML review document for the pharmacy committee.</summary>
public sealed class DocCommand : ICommand
{
    public string Name => "doc";

    public string Summary => "Write a self-contained HTML review document of a protocol";

    public string Help => """
        Usage: il2 doc FILE -o OUT.html [--trust STORE]

        Checks FILE (with the protocols it extends) and, when it has no errors, writes one HTML file that
        needs nothing else (inline CSS and SVG, no scripts, no external resources): the header (id, title,
        version, hashes, compiler, extends chain), the regimen with a dosing schema, the hold and discontinue
        criteria with their sources (unverified ones flagged), the observations, the scenarios and their
        results, coverage findings, the analysis warnings, and the approvals recorded in approvals.json
        beside FILE (if there is one): verified against the trust store with --trust, else marked unverified.

        Options:
          -o, --output FILE  the HTML file to write
          --trust STORE      verify the approvals listed (see 'il2 keys')
          -h, --help         show this help

        Exit codes: 0 written, 1 the protocol has errors, 2 usage or I/O error.
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [], ["o", "output", "trust"], out var error);
        if (line is null)
            return context.UsageError($"doc: {error}");
        var output = line.Value("o") ?? line.Value("output");
        if (line.Operands.Count != 1 || output is null)
            return context.UsageError("doc: give one protocol file and an output file: il2 doc FILE -o OUT.html");

        var path = line.Operands[0];
        var compilation = ProtocolBuilds.CompileWithoutErrors(context, path, "doc: not written", out var failure);
        if (compilation is null)
            return failure;

        ReviewApprovals? approvals = null;
        var approvalsPath = ProtocolApprovals.PathFor(path);
        if (File.Exists(approvalsPath))
        {
            try
            {
                var signatures = ApprovalSignatures.Load(approvalsPath);
                ApprovalVerdict? verdict = null;
                if (line.Value("trust") is { } trustPath)
                {
                    var (assembly, _) = CompilerGuard.Run(() => ProtocolCompiler.Compile(compilation));
                    if (assembly is { Success: true })
                        verdict = new ApprovalVerifier(TrustStore.Load(trustPath)).Verify(signatures.Signatures, ProtocolApprovals.Facts(compilation, assembly), ApprovalEntry.TodayUtc());
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
            context.Error.WriteLine(IlTwo.Dsl.Diagnostics.DiagnosticCatalog.FormatInternalError(path, "internal error while writing the review document", renderError));
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
