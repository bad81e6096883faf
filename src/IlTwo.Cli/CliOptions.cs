using System.CommandLine;

namespace IlTwo.Cli;

/// <summary>
/// How <c>il2</c>'s commands declare options and operands. Values are read as text and checked by the command, so
/// that every usage error has the command's own wording; fixed choices are offered to shell completion.
/// </summary>
internal static class CliOptions
{
    /// <summary>
    /// An option with one value, e.g. <c>--format text|json</c>; <paramref name="choices"/> only feed completion. Each
    /// occurrence takes one word, and given twice the last one counts (read it with <see cref="Value"/>).
    /// </summary>
    public static Option<string[]> Valued(string name, string valueName, string description, string[]? aliases = null, params string[] choices)
    {
        var option = new Option<string[]>(name, aliases ?? []) { HelpName = valueName, Description = description, AllowMultipleArgumentsPerToken = false };
        if (choices.Length > 0)
        {
            option.CompletionSources.Add(choices);
        }

        return option;
    }

    /// <summary>An option without a value, e.g. <c>--check</c>: it never takes the next word as a value.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Arity = ArgumentArity.Zero, Description = description };

    /// <summary><c>--no-cache</c> of the commands that compile a protocol to run it (<see cref="ProtocolCache"/>); <paramref name="alsoDoes"/> says what else a cached run would skip (test: running the scenarios).</summary>
    public static Option<bool> NoCache(string alsoDoes = "") => Flag("--no-cache",
        $"compile the protocol{alsoDoes} even when an unchanged build is cached (also: {ProtocolCache.DisableVariable}=1)");

    /// <summary>Zero or more operands (the command says what is missing, in its own words).</summary>
    public static Argument<string[]> Operands(string name, string description) =>
        new(name) { Arity = ArgumentArity.ZeroOrMore, Description = description };

    /// <summary>The value of a <see cref="Valued"/> option (the last one when it was given more than once), or null.</summary>
    public static string? Value(this ParseResult parse, Option<string[]> option) => parse.GetValue(option) is { Length: > 0 } values ? values[^1] : null;

    /// <summary>The operands given, in order (none: empty).</summary>
    public static IReadOnlyList<string> Values(this ParseResult parse, Argument<string[]> operands) => parse.GetValue(operands) ?? [];
}

/// <summary><c>--patient RECORD.json</c> and <c>--fhir BUNDLE.json</c> of <c>il2 eval</c> and <c>il2 simulate</c>.</summary>
internal sealed class RecordOptions
{
    public Option<string[]> Patient { get; } = CliOptions.Valued("--patient", "FILE", "the patient record (JSON, docs/patient-json.md)");

    public Option<string[]> Fhir { get; } = CliOptions.Valued("--fhir", "FILE", "or: a FHIR R4 Bundle (JSON) with the patient's data (docs/fhir-input.md)");

    public void AddTo(Command command)
    {
        command.Add(Patient);
        command.Add(Fhir);
    }

    public RecordInput? From(ParseResult parse, out string? error) => RecordInput.From(parse.Value(Patient), parse.Value(Fhir), out error);
}

/// <summary><c>--trust STORE</c>, <c>--approvals FILE</c> and <c>--allow-unsigned</c>, as every command that loads a protocol for a decision takes them.</summary>
internal sealed class TrustOptions
{
    public Option<string[]> Trust { get; } = CliOptions.Valued("--trust", "STORE",
        "the trust store (a key-entry file or folder, see 'il2 keys'): the protocol is loaded only when a pharmacist and a physician it lists signed these assembly bytes");

    public Option<string[]> Approvals { get; } = CliOptions.Valued("--approvals", "FILE",
        "the signatures file (default: approvals.json beside FILE.il2, il2.<id>.approvals.json beside FILE.dll)");

    public Option<bool> AllowUnsigned { get; } = CliOptions.Flag("--allow-unsigned",
        "development only: load without checking approvals; every decision says so");

    public void AddTo(Command command)
    {
        command.Add(Trust);
        command.Add(Approvals);
        command.Add(AllowUnsigned);
    }

    public TrustArguments? From(ParseResult parse, out string? error, out int exitCode) =>
        TrustArguments.From(parse.Value(Trust), parse.Value(Approvals), parse.GetValue(AllowUnsigned), out error, out exitCode);
}
