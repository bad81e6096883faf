using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Review.Approvals;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 build FILE -o DIR</c>: compiles a protocol to a .NET assembly and its portable PDB.</summary>
public sealed class BuildCommand : ICommand
{
    public string Name => "build";

    public string Summary => "Compile a protocol to a .NET assembly (and PDB) the engine loads";

    public string Help => """
        Usage: il2 build FILE -o DIR [--require-approved [--approvals FILE]]

        Checks FILE (with the protocols it extends) and, when it has no errors, writes
        DIR/il2.<protocol-id>.dll and its portable PDB. The same source and compiler give the same bytes.

        Options:
          -o, --output DIR       the folder to write to (created if missing)
          --require-approved     build only a protocol approved today: a pharmacist and a physician signed
                                 its canonical hash and both signatures are in force (see 'il2 approve')
          --approvals FILE       the approvals file to check (default: approvals.json beside FILE)
          -h, --help             show this help

        Exit codes: 0 built, 1 the protocol has errors or is not approved, 2 usage or I/O error.
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, ["require-approved"], ["o", "output", "approvals"], out var error);
        if (line is null)
            return context.UsageError($"build: {error}");
        var output = line.Value("o") ?? line.Value("output");
        if (line.Operands.Count != 1 || output is null)
            return context.UsageError("build: give one protocol file and an output folder: il2 build FILE -o DIR");
        var requireApproved = line.Has("require-approved");
        if (line.Value("approvals") is not null && !requireApproved)
            return context.UsageError("build: --approvals goes with --require-approved");

        var path = line.Operands[0];
        if (!context.FileSystem.FileExists(path))
            return context.UsageError($"{path}: no such file");
        byte[] bytes;
        try
        {
            bytes = context.FileSystem.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{path}: cannot read file: {e.Message}");
        }

        var (assembly, exception) = CompilerGuard.Run(() => ProtocolCompiler.Compile(ProtocolBuilds.Compile(path, bytes)));
        if (assembly is null)
        {
            context.Error.WriteLine($"{path}(1,1): error IL0999: internal compiler error: {exception?.Message}");
            return ExitCodes.Failure;
        }
        if (!assembly.Success)
        {
            foreach (var message in assembly.Errors)
                context.Out.WriteLine(message);
            context.Out.WriteLine($"build failed: {assembly.Errors.Length} error(s)");
            return ExitCodes.Failure;
        }

        if (requireApproved && NotApproved(line.Value("approvals") ?? ProtocolApprovals.PathFor(path), assembly) is { } refusal)
        {
            context.Out.WriteLine($"build refused: {refusal}");
            return ExitCodes.Failure;
        }

        try
        {
            var written = ProtocolBuilds.Write(assembly, output);
            context.Out.WriteLine($"built {assembly.Info!.Id} {assembly.Info.Version} -> {written} (sha256 {assembly.Info.SourceHash})");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{output}: cannot write: {e.Message}");
        }
    }

    /// <summary>Why the built protocol may not ship today, or null when it is approved.</summary>
    private static string? NotApproved(string approvalsPath, ProtocolAssembly assembly)
    {
        try
        {
            return new ApprovalPolicy(ApprovalsFile.Load(approvalsPath)).Check(assembly.Info!, ApprovalPolicy.TodayUtc());
        }
        catch (ApprovalsFileException e)
        {
            return $"protocol '{assembly.Info!.Id}' {assembly.Info.Version} (canonical hash {assembly.Info.CanonicalHash}) is not approved: {e.Message}";
        }
    }
}
