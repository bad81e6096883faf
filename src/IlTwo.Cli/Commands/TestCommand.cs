using System.CommandLine;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli.Commands;

/// <summary>
/// <c>il2 test PATH...</c>: compiles each protocol, runs its scenarios through the compiled assembly, and reports
/// coverage as a reviewer means it. The last line is exactly <c>N passed, N failed</c>.
/// </summary>
public sealed class TestCommand : ICommand
{
    private readonly Argument<string[]> _paths = CliOptions.Operands("PATH", "a .il2 file, or a folder searched recursively for *.il2 files");
    private readonly Option<bool> _noCache = CliOptions.NoCache();

    public string Name => "test";

    public string Summary => "Compile protocols and run their scenarios; report rule and threshold coverage";

    public string Details => """
        Compiles each protocol and runs its scenarios through the compiled rules. Prints one line per failure,
          path(line,col): scenario "title" failed: expected ..., got ...
        then coverage findings (rules no scenario fires; thresholds tested on one side only) as warnings,
        and last the line 'N passed, N failed'. A protocol that does not compile counts as one failure.

        Exit codes: 0 every scenario passed, 1 a scenario failed or a protocol has errors, 2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        command.Add(_noCache);
        command.Add(_paths);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_paths);
        if (operands.Count == 0)
        {
            return context.UsageError("test: give at least one file or folder; run 'il2 test --help'");
        }

        var set = ProtocolFiles.Expand(operands, context.FileSystem);
        foreach (var message in set.Errors)
        {
            context.Error.WriteLine($"il2: {message}");
        }

        var cache = parse.GetValue(_noCache) ? null : context.Cache;
        int passed = 0, failed = 0;
        foreach (var file in set.Files)
        {
            var (outcome, exception) = CompilerGuard.Run<(int Passed, int Failed)?>(() => TestFile(context, file, cache));
            if (outcome is null)
            {
                context.Out.WriteLine(DiagnosticCatalog.FormatInternalError(file.DisplayPath, "internal compiler error", exception));
                failed++;
                continue;
            }
            passed += outcome.Value.Passed;
            failed += outcome.Value.Failed;
        }

        context.Out.WriteLine($"{passed} passed, {failed} failed");
        return set.Errors.Count > 0 && set.Files.Count == 0 ? ExitCodes.Usage : failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static (int Passed, int Failed) TestFile(CommandContext context, ProtocolFile file, ProtocolCache? cache)
    {
        var build = ProtocolBuilds.Build(file.FullPath, context.FileSystem.ReadAllBytes(file.FullPath), cache, withCompilation: true);
        var (compilation, assembly) = (build.Compilation!, build.Assembly);
        if (!assembly.Success)
        {
            foreach (var message in assembly.Errors)
            {
                context.Out.WriteLine(message);
            }

            context.Out.WriteLine($"{file.DisplayPath}(1,1): error: the protocol does not compile; its scenarios did not run");
            return (0, 1);
        }

        using var protocol = ProtocolBuilds.Load(build, CompiledProtocolLoadOptions.InProcessBuild);
        int passed = 0, failed = 0;
        foreach (var result in ScenarioRunner.Run(compilation, protocol.Rules))
        {
            if (result.Passed)
            {
                passed++;
                continue;
            }
            failed++;
            context.Out.WriteLine($"{Location(file, compilation, result.Span.Start)}: scenario \"{result.Title}\" failed: {OneLine(result.Message)}");
        }

        var coverage = CoverageReport.Measure(compilation);
        foreach (var rule in coverage.RulesNeverFired)
        {
            context.Out.WriteLine($"{Location(file, compilation, rule.Location.Span.Start)}: warning: coverage: no scenario fires rule '{rule.Name}'");
        }

        foreach (var threshold in coverage.OneSided)
        {
            var side = threshold.SeenTrue ? "only met" : threshold.SeenFalse ? "never met" : "never decided (data always missing)";
            context.Out.WriteLine($"{Location(file, compilation, threshold.Span.Start)}: warning: coverage: '{threshold.Comparison}' in rule '{threshold.Rule.Name}' is {side} by the scenarios; test both sides");
        }
        context.Out.WriteLine($"{file.DisplayPath}: {passed} passed, {failed} failed, {compilation.Protocol.Rules.Count(r => r.ProtocolId == compilation.Protocol.Id) - coverage.RulesNeverFired.Length} of {compilation.Protocol.Rules.Count(r => r.ProtocolId == compilation.Protocol.Id)} own rules fired");
        return (passed, failed);
    }

    private static string Location(ProtocolFile file, ProtocolCompilation compilation, int offset)
    {
        var position = compilation.Text.GetLinePosition(offset);
        return $"{IlTwo.Dsl.Diagnostics.CompilerFormat.Path(file.DisplayPath)}({position.Line + 1},{position.Character + 1})";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
