using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// The JSON form of a <see cref="DoseDecision"/> (the CLI's <c>--format json</c>) and of its audit log line
/// (<see cref="DecisionLog"/>): camelCase names, enums as lowercase strings, times as ISO 8601 UTC, absent values as
/// <c>null</c>. Deterministic. The shapes are the records below, in their property order (with
/// <see cref="CitationInfo"/> and <see cref="ScheduleFinding"/> as they are); they are the contract.
/// </summary>
public static class DoseDecisionJson
{
    private static readonly DecisionJsonContext Compact = new(Options(indented: false));
    private static readonly DecisionJsonContext Indented = new(Options(indented: true));

    public static string Serialize(DoseDecision decision, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var context = indented ? Indented : Compact;
        return JsonSerializer.Serialize(DecisionJson.From(decision), context.DecisionJson);
    }

    /// <summary>The audit log line for a decision (one line, no newline).</summary>
    internal static string SerializeLogLine(DoseDecision decision, PatientRecord? record) =>
        JsonSerializer.Serialize(DecisionLogLine.From(decision, record), Compact.DecisionLogLine);

    private static JsonSerializerOptions Options(bool indented) => new()
    {
        WriteIndented = indented,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Readable text (e.g. "—", "<", "'") in a document that is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

[JsonSerializable(typeof(DecisionJson))]
[JsonSerializable(typeof(DecisionLogLine))]
internal sealed partial class DecisionJsonContext : JsonSerializerContext;

internal sealed record DecisionJson(
    string Action,
    string At,
    int DoseNumber,
    int DosesGiven,
    int? DosesRemaining,
    string? NextDoseAt,
    ProtocolJson Protocol,
    ImmutableArray<FiredRuleJson> Rules,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CourseJson? Course,
    ImmutableArray<MissingJson> Missing,
    ImmutableArray<ScheduleFinding> Schedule,
    ImmutableArray<RecordIssueJson> DataErrors,
    string Summary)
{
    public static DecisionJson From(DoseDecision d) => new(
        DecisionText.Lower(d.Action),
        DecisionText.Iso(d.At),
        d.DoseNumber,
        d.DosesGiven,
        d.DosesRemaining,
        Time(d.NextDoseAt),
        ProtocolJson.From(d),
        [.. d.Rules.Select(FiredRuleJson.From)],
        CourseJson.From(d.Course),
        [.. d.Missing.Select(m => MissingJson.From(m, withTitle: true))],
        d.Schedule,
        [.. d.DataErrors.Select(RecordIssueJson.From)],
        d.Summary);

    public static string? Time(DateTimeOffset? at) => at is { } t ? DecisionText.Iso(t) : null;
}

/// <summary>The audit log's line: the decision without rule details, titles or course findings, with the patient id.</summary>
internal sealed record DecisionLogLine(
    string At,
    string? PatientId,
    ProtocolJson Protocol,
    string Action,
    int DoseNumber,
    int DosesGiven,
    int? DosesRemaining,
    ImmutableArray<string> Rules,
    ImmutableArray<MissingJson> Missing,
    ImmutableArray<ScheduleFinding> Schedule,
    ImmutableArray<RecordIssueJson> DataErrors,
    string? NextDoseAt,
    string Summary)
{
    public static DecisionLogLine From(DoseDecision d, PatientRecord? record) => new(
        DecisionText.Iso(d.At),
        record?.PatientId,
        ProtocolJson.From(d),
        DecisionText.Lower(d.Action),
        d.DoseNumber,
        d.DosesGiven,
        d.DosesRemaining,
        [.. d.Rules.Select(r => r.Id)],
        [.. d.Missing.Select(m => MissingJson.From(m, withTitle: false))],
        d.Schedule,
        [.. d.DataErrors.Select(RecordIssueJson.From)],
        DecisionJson.Time(d.NextDoseAt),
        d.Summary);
}

internal sealed record ProtocolJson(
    string Id,
    string Version,
    string SourceHash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unsigned)
{
    public static ProtocolJson From(DoseDecision d) => new(d.ProtocolId, d.ProtocolVersion, d.SourceHash, d.UnsignedProtocol);
}

internal sealed record FiredRuleJson(
    string Id,
    string Title,
    string Action,
    string Condition,
    string DefinedIn,
    ImmutableArray<CitationInfo> Citations,
    ImmutableArray<SeenValueJson> Values,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note)
{
    public static FiredRuleJson From(FiredRule r) => new(
        r.Id, r.Title, DecisionText.Lower(r.Action), r.Condition, r.DefinedIn, r.Citations, SeenValueJson.All(r.Values), r.Note);
}

internal sealed record SeenValueJson(
    string Input,
    double? Value,
    string? Unit,
    bool? Flag,
    string? At,
    int? Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChartedJson? Charted)
{
    public static ImmutableArray<SeenValueJson> All(ImmutableArray<SeenValue> values) => [.. values.Select(From)];

    // JSON has no NaN or infinity: a non-finite value is written as no value.
    private static SeenValueJson From(SeenValue v) => new(
        v.Input,
        v.Value is { } number && double.IsFinite(number) ? number : null,
        v.Unit,
        v.Flag,
        DecisionJson.Time(v.At),
        v.Count,
        v.ChartedUnit is { } unit && v.ChartedValue is { } charted && double.IsFinite(charted) ? new ChartedJson(charted, unit) : null);
}

/// <summary>The value as charted, when it was converted from another unit.</summary>
internal sealed record ChartedJson(double Value, string Unit);

/// <summary><c>course</c>: present only when the course layer found something (a stop, unresolved holds, reassessments).</summary>
internal sealed record CourseJson(
    CourseStopJson? Stop,
    ImmutableArray<UnresolvedHoldJson> Unresolved,
    ImmutableArray<ReassessmentJson> Reassess,
    ImmutableArray<string> Reasons)
{
    public static CourseJson? From(CourseFindings course) => course.IsEmpty
        ? null
        : new(
            course.Stop is { } stop ? new CourseStopJson(stop.RuleId, stop.ByRecord, DecisionText.Iso(stop.At), SeenValueJson.All(stop.Values)) : null,
            [.. course.Unresolved.Select(h => new UnresolvedHoldJson(h.RuleId, DecisionText.Iso(h.Since), h.Resolution, SeenValueJson.All(h.Values)))],
            [.. course.Reassess.Select(r => new ReassessmentJson(r.RuleId, DecisionText.Lower(r.Action), r.NotShown))],
            course.Reasons);
}

internal sealed record CourseStopJson(string? Rule, bool ByRecord, string At, ImmutableArray<SeenValueJson> Values);

internal sealed record UnresolvedHoldJson(
    string Rule,
    string Since,
    [property: JsonPropertyName("until")] string Resolution,
    ImmutableArray<SeenValueJson> Values);

internal sealed record ReassessmentJson(string Rule, string Action, string NotShown);

internal sealed record MissingJson(
    string Observation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title,
    string Reason,
    bool Optional,
    bool Stale,
    ImmutableArray<string> Rules)
{
    public static MissingJson From(MissingData m, bool withTitle) =>
        new(m.Observation, withTitle ? m.Title : null, m.Reason, m.Optional, m.Stale, m.Rules);
}

internal sealed record RecordIssueJson(
    string Path,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Observation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? At)
{
    public static RecordIssueJson From(RecordIssue issue) => new(issue.Path, issue.Message, issue.Code, DecisionJson.Time(issue.At));
}
