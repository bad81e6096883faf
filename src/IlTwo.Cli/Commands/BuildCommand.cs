using System.CommandLine;
using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Emit;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 build FILE -o DIR</c>: compiles a protocol to a .NET assembly and its portable PDB.</summary>
public sealed class BuildCommand : ICommand
{
    private readonly Option<string[]> _output = CliOptions.Valued("--output", "DIR", "the folder to write to (created if missing)", ["-o"]);

    private readonly Option<bool> _requireApproved = CliOptions.Flag("--require-approved",
        "build only a protocol approved today: a pharmacist and a physician of the trust store signed these assembly bytes, both in force (see 'il2 approve')");

    private readonly Option<string[]> _trust = CliOptions.Valued("--trust", "STORE", "the trust store (required with --require-approved; see 'il2 keys')");

    private readonly Option<string[]> _approvals = CliOptions.Valued("--approvals", "FILE", "the signatures file (default: approvals.json beside FILE)");

    private readonly Argument<string[]> _file = CliOptions.Operands("FILE", "the protocol (.il2) to compile");

    public string Name => "build";

    public string Summary => "Compile a protocol to a .NET assembly (and PDB) the engine loads";

    public string Details => """
        Checks FILE (with the protocols it extends) and, when it has no errors, writes
        DIR/il2.<protocol-id>.dll and its portable PDB. The same source and compiler give the same bytes.
        The signatures in approvals.json beside FILE (or --approvals) that sign exactly these assembly bytes
        are written beside it as DIR/il2.<protocol-id>.approvals.json, for the engine's loader.

        Exit codes: 0 built, 1 the protocol has errors or is not approved, 2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        command.Add(_output);
        command.Add(_requireApproved);
        command.Add(_trust);
        command.Add(_approvals);
        command.Add(_file);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_file);
        var output = parse.Value(_output);
        if (operands.Count != 1 || output is null)
        {
            return context.UsageError("build: give one protocol file and an output folder: il2 build FILE -o DIR");
        }

        var requireApproved = parse.GetValue(_requireApproved);
        var trustPath = parse.Value(_trust);
        if (requireApproved && trustPath is null)
        {
            return context.UsageError("build: --require-approved needs the trust store: --trust STORE (see 'il2 keys')");
        }

        if (trustPath is not null && !requireApproved)
        {
            return context.UsageError("build: --trust goes with --require-approved");
        }

        var path = operands[0];
        if (!context.FileSystem.FileExists(path))
        {
            return context.UsageError($"{path}: no such file");
        }

        byte[] bytes;
        try
        {
            bytes = context.FileSystem.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{path}: cannot read file: {e.Message}");
        }

        TrustStore? trust = null;
        if (requireApproved)
        {
            try
            {
                trust = TrustStore.Load(trustPath!);
            }
            catch (TrustException e)
            {
                context.Out.WriteLine($"build refused: {e.Message}");
                return ExitCodes.Failure;
            }
        }

        var (built, exception) = CompilerGuard.Run(() =>
        {
            var compilation = ProtocolBuilds.Compile(path, bytes);
            return (Compilation: compilation, Assembly: ProtocolCompiler.Compile(compilation));
        });
        var assembly = built.Assembly;
        if (assembly is null)
        {
            context.Error.WriteLine(DiagnosticCatalog.FormatInternalError(path, "internal compiler error", exception));
            return ExitCodes.Failure;
        }
        if (!assembly.Success)
        {
            foreach (var message in assembly.Errors)
            {
                context.Out.WriteLine(message);
            }

            context.Out.WriteLine($"build failed: {assembly.Errors.Length} error(s)");
            return ExitCodes.Failure;
        }

        var approvalsPath = parse.Value(_approvals) ?? ProtocolApprovals.PathFor(path);
        if (trust is not null)
        {
            var verdict = TrustArguments.Verify(trust, approvalsPath, built.Compilation, assembly);
            if (!verdict.IsApproved)
            {
                context.Out.WriteLine($"build refused: {verdict.Message}");
                return ExitCodes.Failure;
            }
            context.Out.WriteLine(verdict.Message);
        }

        try
        {
            var written = ProtocolBuilds.Write(assembly, output);
            var assemblySha256 = ApprovalVerifier.Sha256([.. assembly.Assembly]);
            context.Out.WriteLine($"built {assembly.Info!.Id} {assembly.Info.Version} -> {written} (sha256 {assembly.Info.SourceHash}; assembly sha256 {assemblySha256})");
            if (SignaturesFor(context, approvalsPath, assemblySha256) is { } signatures)
            {
                var signaturesPath = ApprovalSignatures.PathForAssembly(written);
                signatures.Save(signaturesPath);
                context.Out.WriteLine($"signatures {signatures.Signatures.Length} -> {signaturesPath}");
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{output}: cannot write: {e.Message}");
        }
    }

    /// <summary>The signatures of the approvals file that claim these assembly bytes (verified by the loader, not here); null when none.</summary>
    private static ApprovalSignatures? SignaturesFor(CommandContext context, string approvalsPath, string sha256)
    {
        if (!File.Exists(approvalsPath))
        {
            return null;
        }

        try
        {
            var all = ApprovalSignatures.Load(approvalsPath);
            var claims = all.UnverifiedClaims();
            var mine = all.Signatures.Where((_, i) => claims[i]?.AssemblySha256 == sha256).ToList();
            return mine.Count == 0 ? null : new ApprovalSignatures(mine);
        }
        catch (TrustException e)
        {
            context.Error.WriteLine($"il2: warning: no signatures written: {e.Message}");
            return null;
        }
    }
}
