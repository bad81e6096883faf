using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IlTwo.Dsl.Rendering;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Cli.Commands;

/// <summary>
/// <c>il2 replay OLD NEW --cohort DIR|FILE.ndjson</c>: replays every patient's course under two protocol versions, in
/// parallel, and summarises the doses whose decision changes (by direction and cause, with the patients affected).
/// </summary>
public sealed class ReplayCommand(Func<bool>? errorIsTerminal = null) : ICommand
{
    private readonly Func<bool> _errorIsTerminal = errorIsTerminal ?? (() => !Console.IsErrorRedirected);

    private readonly Option<string[]> _cohort = CliOptions.Valued("--cohort", "DIR|FILE.ndjson",
        "the patients: a folder of patient JSON files or FHIR bundles, or FHIR Bulk Data NDJSON (a file, or a folder of *.ndjson)");
    private readonly Option<string[]> _html = CliOptions.Valued("--html", "FILE", "write the committee's HTML report: the summary and every changed dose of every patient");
    private readonly Option<string[]> _details = CliOptions.Valued("--details", "FILE", "write every patient's replay (each dose under both versions, or why the record was refused) as JSON");
    private readonly Option<string[]> _parallelism = CliOptions.Valued("--max-degree", "N", "replay at most N patients at once (default: one per core)", ["--parallelism"]);
    private readonly TrustOptions _trust = new();
    private readonly Argument<string[]> _protocols = CliOptions.Operands("OLD NEW", "the two protocol versions: .il2 files (compiled first) or assemblies from 'il2 build'");

    public string Name => "replay";

    public string Summary => "Replay a cohort of courses under two protocol versions and report every dose decided differently";

    public string Details => """
        Replays every patient's course (as 'il2 simulate' does: each recorded dose time decided from the record as it
        stood then) under OLD and NEW, one patient per core at a time, and prints a summary: the doses whose decision
        changes, by direction (stricter: NEW holds or stops where OLD gave, or stops where it held; looser: the
        reverse; reached: a dose time only one version decided) and by cause (the rule, schedule finding or missing
        datum behind the stricter decision), with the patients affected. A record the reader refuses is listed with
        its errors and replayed under neither version; a line of an NDJSON file that cannot be read or belongs to no
        patient is listed as not read (the cohort was read only in part). A JSON file's patient id is its path in the
        cohort folder without the extension (e.g. 'ward-a/p01'), so files of one name in two subfolders are two patients.
        A cohort of no patient is reported as a replay of 0 patients, never as "no change": when nothing at all was
        read (an empty folder, no *.json or *.ndjson file, empty NDJSON files) the exit code is 2; when NDJSON lines
        were read but none belongs to a patient, they are listed as not read and the exit code is 1.
        A progress bar is drawn on stderr when it is a terminal.

        Exit codes: 0 every record of the cohort was read and replayed (at least one patient), 1 a protocol is invalid,
        some records were refused or some NDJSON lines were not read (listed), 2 usage or I/O error, or a cohort in which
        nothing at all was read.
        """;

    public void Define(Command command)
    {
        command.Add(_cohort);
        command.Add(_html);
        command.Add(_details);
        command.Add(_parallelism);
        _trust.AddTo(command);
        command.Add(_protocols);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_protocols);
        if (_trust.From(parse, out var trustError, out var trustExit) is not { } trust)
        {
            if (trustExit == ExitCodes.Usage)
            {
                return context.UsageError($"replay: {trustError}");
            }

            context.Error.WriteLine($"il2: replay: {trustError}");
            return ExitCodes.Failure;
        }
        if (operands.Count != 2)
        {
            return context.UsageError("replay: give two protocols, OLD and NEW, and --cohort DIR|FILE.ndjson; run 'il2 replay --help'");
        }

        if (parse.Value(_cohort) is not { } cohortPath)
        {
            return context.UsageError("replay: give the patients with --cohort DIR|FILE.ndjson; run 'il2 replay --help'");
        }

        var degree = -1;
        if (parse.Value(_parallelism) is { } degreeText && (!int.TryParse(degreeText, NumberStyles.None, CultureInfo.InvariantCulture, out degree) || degree < 1))
        {
            return context.UsageError($"replay: --max-degree '{degreeText}' is not a whole number of at least 1");
        }

        foreach (var path in operands)
        {
            if (!context.FileSystem.FileExists(path))
            {
                return context.UsageError($"{path}: no such file");
            }
        }
        if (!File.Exists(cohortPath) && !Directory.Exists(cohortPath))
        {
            return context.UsageError($"{cohortPath}: no such file or folder");
        }

        using var oldProtocol = EvalCommand.LoadProtocol(context, operands[0], trust);
        if (oldProtocol is null)
        {
            return ExitCodes.Failure;
        }

        using var newProtocol = EvalCommand.LoadProtocol(context, operands[1], trust with { ApprovalsPath = null });
        if (newProtocol is null)
        {
            return ExitCodes.Failure;
        }

        List<CohortPatient> patients;
        List<string> sourceIssues;
        try
        {
            (patients, sourceIssues) = CohortSource.Load(cohortPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"replay: cannot read the cohort '{cohortPath}': {e.Message}");
        }

        var bar = _errorIsTerminal() ? new ProgressBar(context.Error, patients.Count) : null;
        var clock = Stopwatch.StartNew();
        var result = CohortReplay.Run(oldProtocol.Rules, newProtocol.Rules, patients, sourceIssues, degree, bar);
        clock.Stop();
        bar?.Finish();

        var old = $"{oldProtocol.Info.Id} {oldProtocol.Info.Version}";
        var @new = $"{newProtocol.Info.Id} {newProtocol.Info.Version}";
        WriteSummary(context.Out, result, old, @new);
        foreach (var notice in new[] { oldProtocol.UnsignedNotice, newProtocol.UnsignedNotice }.OfType<string>().Distinct())
        {
            context.Out.WriteLine($"UNSIGNED PROTOCOL: {notice}");
        }

        // The timing goes to stderr: stdout stays the same from run to run.
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"il2: replay: {result.Decisions} decisions for {result.Replayed.Count()} patients in {clock.Elapsed.TotalSeconds:0.00} s ({result.Decisions / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):0} decisions/s)"));

        try
        {
            if (parse.Value(_html) is { } html)
            {
                File.WriteAllText(html, CohortReport.Render(result, old, @new, unsigned: oldProtocol.UnsignedNotice is not null || newProtocol.UnsignedNotice is not null), new UTF8Encoding(false));
                context.Out.WriteLine($"wrote {html}");
            }
            if (parse.Value(_details) is { } details)
            {
                File.WriteAllText(details, DetailsJson(result, old, @new), new UTF8Encoding(false));
                context.Out.WriteLine($"wrote {details}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"replay: cannot write the report: {e.Message}");
        }

        if (result.Patients.IsEmpty && result.SourceIssues.IsEmpty)
        {
            // Nothing at all was read: 0 doses changed must not read as "the new version changes nothing".
            return context.UsageError($"replay: the cohort '{cohortPath}' holds no patient record (no *.json file, and no line in a *.ndjson file): nothing was replayed");
        }

        // A cohort read only in part (refused records, NDJSON lines not read) is not a complete replay.
        return result.Refused.Any() || !result.SourceIssues.IsEmpty ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static void WriteSummary(TextWriter output, CohortResult result, string old, string @new)
    {
        var replayed = result.Replayed.ToList();
        output.WriteLine($"Replay of {result.Patients.Length} patient(s) under {old} (old) and {@new} (new)");
        output.WriteLine($"{replayed.Count} replayed, {result.Refused.Count()} refused; {result.Decisions} decisions; {result.ChangedDoses} dose(s) decided differently in {result.PatientsAffected} patient(s)");
        var groups = result.Groups;
        if (!groups.IsEmpty)
        {
            output.WriteLine($"{"direction",-10} {"doses",6} {"patients",8}  cause");
            foreach (var g in groups)
            {
                output.WriteLine($"{g.Direction.ToString().ToLowerInvariant(),-10} {g.Doses,6} {g.Patients,8}  {g.Cause}");
            }
        }
        foreach (var direction in Enum.GetValues<ChangeDirection>())
        {
            var changes = result.Patients.SelectMany(p => p.Changes).Where(c => c.Direction == direction).ToList();
            if (changes.Count > 0)
            {
                output.WriteLine($"{direction.ToString().ToLowerInvariant()}: {changes.Count} dose(s) in {result.Patients.Count(p => p.Changes.Any(c => c.Direction == direction))} patient(s)");
            }
        }
        foreach (var refused in result.Refused)
        {
            var errors = refused.OldIssues.Concat(refused.NewIssues).Where(i => i.IsError).Select(i => i.Text).Distinct().ToList();
            output.WriteLine($"refused {refused.Patient.Id} ({refused.Patient.Source}): {OneLine(string.Join("; ", errors))}");
        }
        foreach (var issue in result.SourceIssues)
        {
            output.WriteLine($"not read: {OneLine(issue)}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Every patient: the dose times under both versions (action, reasons), the changes, or the reader's errors.</summary>
    internal static string DetailsJson(CohortResult result, string old, string @new)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("old", old);
            json.WriteString("new", @new);
            json.WriteStartArray("patients");
            foreach (var p in result.Patients)
            {
                json.WriteStartObject();
                json.WriteString("id", p.Patient.Id);
                json.WriteString("source", p.Patient.Source);
                json.WriteBoolean("refused", p.Refused);
                json.WriteStartArray("issues");
                foreach (var (side, issue) in p.OldIssues.Select(i => ("old", i)).Concat(p.NewIssues.Select(i => ("new", i))))
                {
                    json.WriteStartObject();
                    json.WriteString("read for", side);
                    json.WriteString("severity", issue.IsError ? "error" : "warning");
                    json.WriteString("path", issue.Path);
                    json.WriteString("message", issue.Message);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                if (p.Old is { } o && p.New is { } n)
                {
                    json.WriteString("oldEnd", o.EndReason);
                    json.WriteString("newEnd", n.EndReason);
                    json.WriteStartArray("doses");
                    var oldSteps = o.Steps.GroupBy(s => s.At).ToDictionary(g => g.Key, g => g.Last());
                    var newSteps = n.Steps.GroupBy(s => s.At).ToDictionary(g => g.Key, g => g.Last());
                    var changed = p.Changes.ToDictionary(c => c.At);
                    foreach (var at in oldSteps.Keys.Union(newSteps.Keys).Order())
                    {
                        json.WriteStartObject();
                        json.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                        var recorded = (oldSteps.GetValueOrDefault(at) ?? newSteps.GetValueOrDefault(at))?.Recorded;
                        json.WriteString("record", recorded?.ToString().ToLowerInvariant() ?? "none");
                        Step(json, "old", oldSteps.GetValueOrDefault(at));
                        Step(json, "new", newSteps.GetValueOrDefault(at));
                        if (changed.TryGetValue(at, out var change))
                        {
                            json.WriteString("change", change.Direction.ToString().ToLowerInvariant());
                            json.WriteStartArray("causes");
                            foreach (var cause in change.Causes)
                            {
                                json.WriteStringValue(cause);
                            }
                            json.WriteEndArray();
                        }
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("notRead");
            foreach (var issue in result.SourceIssues)
            {
                json.WriteStringValue(issue);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Step(Utf8JsonWriter json, string name, CourseStep? step)
    {
        if (step is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartObject(name);
        json.WriteNumber("dose", step.DoseNumber);
        json.WriteString("action", step.Action.ToString().ToLowerInvariant());
        json.WriteStartArray("reasons");
        foreach (var reason in step.Reasons)
        {
            json.WriteStringValue(reason);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A bar on stderr, redrawn at most once per percent (patients finish on several threads).</summary>
    private sealed class ProgressBar(TextWriter error, int total) : IProgress<int>
    {
        private readonly Lock _gate = new();
        private int _shown = -1;

        public void Report(int value)
        {
            var percent = total == 0 ? 100 : value * 100 / total;
            lock (_gate)
            {
                if (percent == _shown && value != total)
                {
                    return;
                }

                _shown = percent;
                var filled = percent * 30 / 100;
                error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {value}/{total} patients");
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                error.WriteLine();
            }
        }
    }
}
