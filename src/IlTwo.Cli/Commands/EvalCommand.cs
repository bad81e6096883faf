using System.CommandLine;
using System.Globalization;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 eval</c>: asks a protocol whether to give, hold or discontinue the next dose for one patient record.</summary>
public sealed class EvalCommand(Func<DateTimeOffset>? clock = null) : ICommand
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    private readonly RecordOptions _record = new();
    private readonly Option<string[]> _at = CliOptions.Valued("--at", "TIME", "the moment of the decision, ISO 8601 with offset (default: now)");
    private readonly Option<string[]> _tz = TimeZoneOption.Create("write times in this time zone (an IANA id such as Europe/Zurich; default UTC); JSON times stay UTC");
    private readonly Option<string[]> _format = CliOptions.Valued("--format", "text|json",
        "text: a short readable verdict (default); json: the decision as JSON: action, rules, missing, nextDoseAt, ...", null, "text", "json");
    private readonly Option<string[]> _log = CliOptions.Valued("--log", "FILE", "append the decision to an audit log (JSON Lines)");
    private readonly TrustOptions _trust = new();
    private readonly Option<bool> _noCache = CliOptions.NoCache();
    private readonly Argument<string[]> _protocol = CliOptions.Operands("FILE.il2|FILE.dll", "the protocol: a .il2 file (compiled first) or an assembly from 'il2 build'");

    public string Name => "eval";

    public string Summary => "Decide give, hold or discontinue for a patient record, and say why";

    public string Details => """
        Evaluates the protocol (compiled from FILE.il2, or a built FILE.dll) on the patient record at TIME and
        prints the decision with the rules that fired, the values they saw, missing or stale data and the next
        time a dose may be given. The record format is described in docs/patient-json.md; a FHIR R4 bundle
        (Observation, MedicationAdministration, Procedure, Patient) is read as docs/fhir-input.md describes.
        The protocol runs only when its approvals verify against the trust store (docs/approvals.md); with
        --allow-unsigned (development) it runs unchecked and every decision says so.

        Exit codes: 0 a decision was made, 1 the protocol is invalid or not approved, or the record is invalid,
        2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        _record.AddTo(command);
        command.Add(_at);
        command.Add(_tz);
        command.Add(_format);
        command.Add(_log);
        _trust.AddTo(command);
        command.Add(_noCache);
        command.Add(_protocol);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_protocol);
        if (_trust.From(parse, out var trustError, out var trustExit) is not { } trust)
        {
            return trustExit == ExitCodes.Usage ? context.UsageError($"eval: {trustError}") : Fail(context, $"eval: {trustError}");
        }

        if (operands.Count != 1)
        {
            return context.UsageError("eval: give one protocol and --patient RECORD.json or --fhir BUNDLE.json; run 'il2 eval --help'");
        }

        if (_record.From(parse, out var inputError) is not { } input)
        {
            return context.UsageError($"eval: {inputError}; run 'il2 eval --help'");
        }

        var patientPath = input.Path;
        var format = parse.Value(_format) ?? "text";
        if (format is not ("text" or "json"))
        {
            return context.UsageError($"eval: unknown format '{format}'; use 'text' or 'json'");
        }

        if (!TimeZoneOption.TryRead(parse.Value(_tz), out var zone, out var zoneError))
        {
            return context.UsageError($"eval: {zoneError}");
        }

        var at = _clock();
        if (parse.Value(_at) is { } atText && !TryParseTime(atText, out at))
        {
            return context.UsageError($"eval: --at '{atText}' is not an ISO 8601 time with an offset (like 2026-03-04T06:00:00Z)");
        }

        var protocolPath = operands[0];
        foreach (var path in new[] { protocolPath, patientPath })
        {
            if (!context.FileSystem.FileExists(path))
            {
                return context.UsageError($"{path}: no such file");
            }
        }

        // The JSON record is checked before the protocol is compiled (as before); a FHIR bundle needs the protocol to be read.
        if (!input.IsFhir && !PatientJsonReader.ReadFile(patientPath).Succeeded)
        {
            input.Read(context, ProtocolInfoStub, null);
            return ExitCodes.Failure;
        }
        var loaded = LoadProtocol(context, protocolPath, trust, useCache: !parse.GetValue(_noCache));
        if (loaded is null)
        {
            return ExitCodes.Failure;
        }

        using var protocol = loaded;
        var (record, readIssues) = input.Read(context, protocol.Info, at);
        if (record is null)
        {
            return RecordInput.FailureExit(readIssues);
        }

        DecisionLog? log = null;
        StreamWriter? logWriter = null;
        try
        {
            if (parse.Value(_log) is { } logPath)
            {
                logWriter = new StreamWriter(logPath, append: true);
                log = new DecisionLog(logWriter);
            }
            var decision = protocol.Evaluate(record, at, log, readIssues, zone);
            context.Out.Write(format == "json" ? DoseDecisionJson.Serialize(decision, indented: true) + "\n" : DecisionText.Format(decision, protocol.Info, zone));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"eval: cannot write the log: {e.Message}");
        }
        finally
        {
            logWriter?.Dispose();
        }
    }

    /// <summary>Reading a patient JSON record does not depend on the protocol.</summary>
    private static readonly ProtocolInfo ProtocolInfoStub = new()
    {
        Id = "",
        Title = "",
        Version = "",
        SourceHash = "",
        CompilerVersion = "",
        Regimen = new RegimenInfo(),
    };

    private static int Fail(CommandContext context, string message)
    {
        context.Error.WriteLine($"il2: {message}");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// A .dll is loaded as built; an .il2 file is compiled first, exactly as <c>il2 build</c> would. Either way the
    /// bytes pass the trust check of <paramref name="trust"/> before any of their code runs. The compiled assembly may come
    /// from <see cref="CommandContext.Cache"/> (<see cref="ProtocolBuilds.Build(string, byte[], ProtocolCache?, bool)"/>): verified bytes, the same trust check.
    /// </summary>
    internal static CompiledProtocol? LoadProtocol(CommandContext context, string path, TrustArguments trust, bool useCache = true)
    {
        try
        {
            if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                return CompiledProtocol.Load(path, trust.ForAssembly());
            }

            var bytes = context.FileSystem.ReadAllBytes(path);
            var cache = useCache ? context.Cache : null;
            var (compiled, exception) = CompilerGuard.Run(() => ProtocolBuilds.Build(path, bytes, cache, withCompilation: false));
            var assembly = compiled?.Assembly;
            if (compiled is null || assembly is null || !assembly.Success)
            {
                foreach (var message in assembly?.Errors ?? [DiagnosticCatalog.FormatInternalError(path, "internal compiler error", exception)])
                {
                    context.Error.WriteLine(message);
                }

                context.Error.WriteLine($"{path}: the protocol has errors; no decision was made");
                return null;
            }
            return ProtocolBuilds.Load(compiled, trust.ForSource(path, compiled.CanonicalHash));
        }
        catch (ProtocolLoadException e)
        {
            context.Error.WriteLine($"{path}: {e.Message}");
            return null;
        }
        catch (TrustException e)
        {
            context.Error.WriteLine($"{path}: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"{path}: cannot read: {e.Message}");
            return null;
        }
    }

    internal static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal));
}
