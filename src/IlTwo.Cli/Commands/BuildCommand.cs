using IlTwo.Dsl.Emit;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 build FILE -o DIR</c>: compiles a protocol to a .NET assembly and its portable PDB.</summary>
public sealed class BuildCommand : ICommand
{
    public string Name => "build";

    public string Summary => "Compile a protocol to a .NET assembly (and PDB) the engine loads";

    public string Help => """
        Usage: il2 build FILE -o DIR

        Checks FILE (with the protocols it extends) and, when it has no errors, writes
        DIR/il2.<protocol-id>.dll and its portable PDB. The same source and compiler give the same bytes.

        Options:
          -o, --output DIR   the folder to write to (created if missing)
          -h, --help         show this help

        Exit codes: 0 built, 1 the protocol has errors, 2 usage or I/O error.
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [], ["o", "output"], out var error);
        if (line is null)
            return context.UsageError($"build: {error}");
        var output = line.Value("o") ?? line.Value("output");
        if (line.Operands.Count != 1 || output is null)
            return context.UsageError("build: give one protocol file and an output folder: il2 build FILE -o DIR");

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
}
