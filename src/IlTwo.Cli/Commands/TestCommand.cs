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
    private readonly Option<bool> _noCache = CliOptions.NoCache(" and run its scenarios");

    public string Name => "test";

    public string Summary => "Compile protocols and run their scenarios; report rule and threshold coverage";

    public string Details => """
        Compiles each protocol and runs its scenarios through the compiled rules. Prints one line per failure,
          path(line,col): scenario "title" failed: expected ..., got ...
        A protocol that extends another also runs the base protocols' scenarios against itself; each whose
        outcome changes is reported: a stricter one (a hold or stop where the base gives, a stop where it holds,
        or more reasons for the same action) as a note, any other change as a failure unless the protocol
        declares 'override scenario "TITLE" because "why" { expect ... }'. Then coverage findings (rules, own
        and inherited, that no scenario fires; thresholds tested on one side only) as warnings, and last the
        line 'N passed, N failed' (inherited scenarios included). A protocol that does not compile counts as one
        failure. A protocol whose whole extends chain, compiler and il2 are unchanged since a run on this machine
        prints that run's report again from the cache, without running its scenarios; --no-cache runs them.

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

    /// <summary>
    /// The scenarios' outcome is a function of the chain's texts, the compiler, the engine and this code, so a report
    /// stored for a cache entry that <see cref="ProtocolCache.Find"/> has just checked against every file of the chain is
    /// printed as it is; otherwise the protocol is built (or its assembly taken from the entry) and its scenarios run.
    /// </summary>
    private static (int Passed, int Failed) TestFile(CommandContext context, ProtocolFile file, ProtocolCache? cache)
    {
        var bytes = context.FileSystem.ReadAllBytes(file.FullPath);
        var hit = cache?.Find(file.FullPath, bytes);
        var report = hit is null ? null : cache!.FindReport(hit.EntryId, file.DisplayPath);
        if (report is null)
        {
            var build = ProtocolBuilds.Build(file.FullPath, bytes, cache, hit, withCompilation: true);
            report = Run(file, build);
            if (build.CacheEntryId is { } entryId)
            {
                cache?.StoreReport(entryId, file.DisplayPath, report);
            }
        }

        foreach (var line in report.Lines)
        {
            context.Out.WriteLine(line);
        }

        return (report.Passed, report.Failed);
    }

    private static TestReport Run(ProtocolFile file, ProtocolBuild build)
    {
        var lines = new List<string>();
        var (compilation, assembly) = (build.Compilation!, build.Assembly);
        if (!assembly.Success)
        {
            lines.AddRange(assembly.Errors);
            lines.Add($"{file.DisplayPath}(1,1): error: the protocol does not compile; its scenarios did not run");
            return new TestReport(lines, 0, 1);
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
            lines.Add($"{Location(file, compilation, result.Span.Start)}: scenario \"{result.Title}\" failed: {OneLine(result.Message)}");
        }

        // The base protocols' scenarios run against this protocol too: a stricter outcome is expected of an extension
        // and reported as a note; any other change fails unless this file declares `override scenario "TITLE"`.
        var inherited = ScenarioRunner.RunInherited(compilation, protocol.Rules);
        int unchanged = 0, stricter = 0, broken = 0;
        foreach (var result in inherited)
        {
            var where = $"{Location(file, compilation, result.Source, result.Span.Start)}: inherited scenario \"{result.Scenario.Title}\" ({result.Scenario.ProtocolId})";
            switch (result.Outcome)
            {
                case InheritedOutcome.Unchanged:
                    unchanged++;
                    break;
                case InheritedOutcome.Stricter:
                    stricter++;
                    lines.Add($"{where}: note: stricter in {compilation.Protocol.Id}: expected {result.Expected}, got {result.Actual}");
                    break;
                default:
                    broken++;
                    lines.Add($"{where} failed against {compilation.Protocol.Id}: expected {result.Expected}, got {result.Actual}: {OneLine(result.Decision.Summary)}; if the change is intended, declare it with 'override scenario' and a reason");
                    break;
            }
        }

        var overrides = compilation.Protocol.Scenarios.Count(s => s.IsOverride);
        var coverage = CoverageReport.Measure(compilation);
        foreach (var rule in coverage.RulesNeverFired)
        {
            lines.Add($"{Location(file, compilation, rule.Location.Source, rule.Location.Span.Start)}: warning: coverage: no scenario fires rule '{rule.Name}'{InheritedNote(compilation, rule)}");
        }

        foreach (var threshold in coverage.OneSided)
        {
            var side = threshold.SeenTrue ? "only met" : threshold.SeenFalse ? "never met" : "never decided (data always missing)";
            lines.Add($"{Location(file, compilation, threshold.Source, threshold.Span.Start)}: warning: coverage: '{threshold.Comparison}' in rule '{threshold.Rule.Name}'{InheritedNote(compilation, threshold.Rule)} is {side} by the scenarios; test both sides");
        }

        var rules = compilation.Protocol.Rules.Length;
        var inheritedText = inherited.IsEmpty && overrides == 0
            ? ""
            : $"; inherited scenarios: {unchanged} unchanged, {stricter} stricter, {overrides} overridden, {broken} failed";
        lines.Add($"{file.DisplayPath}: {passed} passed, {failed} failed{inheritedText}; {rules - coverage.RulesNeverFired.Length} of {rules} rules fired");
        return new TestReport(lines, passed + unchanged + stricter, failed + broken);
    }

    private static string InheritedNote(ProtocolCompilation compilation, IlTwo.Dsl.Binding.RuleSymbol rule) =>
        rule.ProtocolId == compilation.Protocol.Id ? "" : $" (inherited from {rule.ProtocolId}) against {compilation.Protocol.Id}";

    private static string Location(ProtocolFile file, ProtocolCompilation compilation, int offset) =>
        Location(file, compilation, compilation.Text, offset);

    /// <summary>A place in this file (shown as given on the command line) or in a base file (shown by its path).</summary>
    private static string Location(ProtocolFile file, ProtocolCompilation compilation, IlTwo.Dsl.Text.SourceText source, int offset)
    {
        var position = source.GetLinePosition(offset);
        var path = ReferenceEquals(source, compilation.Text) ? file.DisplayPath : DisplayPath(file, source.Path);
        return $"{IlTwo.Dsl.Diagnostics.CompilerFormat.Path(path)}({position.Line + 1},{position.Character + 1})";
    }

    /// <summary>A base file's path written the way the operand was: beside the extending file's display path.</summary>
    private static string DisplayPath(ProtocolFile file, string? path)
    {
        if (string.IsNullOrEmpty(path) || Path.GetDirectoryName(file.FullPath) is not { } folder)
        {
            return file.DisplayPath;
        }

        return Path.Combine(Path.GetDirectoryName(file.DisplayPath) ?? "", Path.GetRelativePath(folder, path));
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
