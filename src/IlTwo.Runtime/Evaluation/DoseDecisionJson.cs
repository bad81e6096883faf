using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// The JSON form of a <see cref="DoseDecision"/> (the CLI's <c>--format json</c>): camelCase names, enums as
/// lowercase strings, times as ISO 8601 UTC, absent values as <c>null</c>. Deterministic.
/// </summary>
public static class DoseDecisionJson
{
    public static string Serialize(DoseDecision decision, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(decision);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options(indented)))
            WriteDecision(writer, decision);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static JsonWriterOptions Options(bool indented) => new()
    {
        Indented = indented,
        // Readable text (e.g. "—", "<", "'") in a document that is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void WriteDecision(Utf8JsonWriter w, DoseDecision d)
    {
        w.WriteStartObject();
        w.WriteString("action", DecisionText.Lower(d.Action));
        w.WriteString("at", DecisionText.Iso(d.At));
        w.WriteNumber("doseNumber", d.DoseNumber);
        w.WriteNumber("dosesGiven", d.DosesGiven);
        WriteNullable(w, "dosesRemaining", d.DosesRemaining);
        WriteTime(w, "nextDoseAt", d.NextDoseAt);
        WriteProtocol(w, d);

        w.WriteStartArray("rules");
        foreach (var rule in d.Rules)
        {
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("title", rule.Title);
            w.WriteString("action", DecisionText.Lower(rule.Action));
            w.WriteString("condition", rule.Condition);
            w.WriteString("definedIn", rule.DefinedIn);
            w.WriteStartArray("citations");
            foreach (var c in rule.Citations)
                WriteCitation(w, c);
            w.WriteEndArray();
            w.WriteStartArray("values");
            foreach (var v in rule.Values)
                WriteValue(w, v);
            w.WriteEndArray();
            if (rule.Note is { } note)
                w.WriteString("note", note);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        WriteCourse(w, d.Course);

        WriteMissing(w, d, withTitle: true);
        WriteSchedule(w, d);
        WriteErrors(w, d.DataErrors);
        w.WriteString("summary", d.Summary);
        w.WriteEndObject();
    }

    /// <summary><c>course</c>: present only when the course layer found something (a stop, unresolved holds, reassessments).</summary>
    private static void WriteCourse(Utf8JsonWriter w, CourseFindings course)
    {
        if (course.IsEmpty)
            return;
        w.WriteStartObject("course");
        if (course.Stop is { } stop)
        {
            w.WriteStartObject("stop");
            WriteString(w, "rule", stop.RuleId);
            w.WriteBoolean("byRecord", stop.ByRecord);
            w.WriteString("at", DecisionText.Iso(stop.At));
            w.WriteStartArray("values");
            foreach (var v in stop.Values)
                WriteValue(w, v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("stop");
        }
        w.WriteStartArray("unresolved");
        foreach (var hold in course.Unresolved)
        {
            w.WriteStartObject();
            w.WriteString("rule", hold.RuleId);
            w.WriteString("since", DecisionText.Iso(hold.Since));
            w.WriteString("until", hold.Resolution);
            w.WriteStartArray("values");
            foreach (var v in hold.Values)
                WriteValue(w, v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("reassess");
        foreach (var r in course.Reassess)
        {
            w.WriteStartObject();
            w.WriteString("rule", r.RuleId);
            w.WriteString("action", DecisionText.Lower(r.Action));
            w.WriteString("notShown", r.NotShown);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("reasons");
        foreach (var reason in course.Reasons)
            w.WriteStringValue(reason);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteProtocol(Utf8JsonWriter w, DoseDecision d)
    {
        w.WriteStartObject("protocol");
        w.WriteString("id", d.ProtocolId);
        w.WriteString("version", d.ProtocolVersion);
        w.WriteString("sourceHash", d.SourceHash);
        if (d.UnsignedProtocol is { } unsigned)
            w.WriteString("unsigned", unsigned);
        w.WriteEndObject();
    }

    internal static void WriteMissing(Utf8JsonWriter w, DoseDecision d, bool withTitle)
    {
        w.WriteStartArray("missing");
        foreach (var m in d.Missing)
        {
            w.WriteStartObject();
            w.WriteString("observation", m.Observation);
            if (withTitle)
                w.WriteString("title", m.Title);
            w.WriteString("reason", m.Reason);
            w.WriteBoolean("optional", m.Optional);
            w.WriteBoolean("stale", m.Stale);
            w.WriteStartArray("rules");
            foreach (var id in m.Rules)
                w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static void WriteSchedule(Utf8JsonWriter w, DoseDecision d)
    {
        w.WriteStartArray("schedule");
        foreach (var s in d.Schedule)
        {
            w.WriteStartObject();
            w.WriteString("code", s.Code);
            w.WriteString("message", s.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static void WriteErrors(Utf8JsonWriter w, IEnumerable<RecordIssue> issues)
    {
        w.WriteStartArray("dataErrors");
        foreach (var issue in issues)
        {
            w.WriteStartObject();
            w.WriteString("path", issue.Path);
            w.WriteString("message", issue.Message);
            if (issue.Code is { } observation)
                w.WriteString("observation", observation);
            if (issue.At is { } at)
                WriteTime(w, "at", at);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteCitation(Utf8JsonWriter w, CitationInfo c)
    {
        w.WriteStartObject();
        WriteString(w, "reference", c.Reference);
        WriteString(w, "locator", c.Locator);
        w.WriteBoolean("unverified", c.Unverified);
        WriteString(w, "note", c.Note);
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, SeenValue v)
    {
        w.WriteStartObject();
        w.WriteString("input", v.Input);
        if (v.Value is { } number && double.IsFinite(number))
            w.WriteNumber("value", number);
        else
            w.WriteNull("value");
        WriteString(w, "unit", v.Unit);
        if (v.Flag is { } flag)
            w.WriteBoolean("flag", flag);
        else
            w.WriteNull("flag");
        WriteTime(w, "at", v.At);
        WriteNullable(w, "count", v.Count);
        if (v.ChartedUnit is { } chartedUnit && v.ChartedValue is { } charted && double.IsFinite(charted))
        {
            w.WriteStartObject("charted");
            w.WriteNumber("value", charted);
            w.WriteString("unit", chartedUnit);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    internal static void WriteString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }

    internal static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } t)
            w.WriteString(name, DecisionText.Iso(t));
        else
            w.WriteNull(name);
    }

    internal static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } n)
            w.WriteNumber(name, n);
        else
            w.WriteNull(name);
    }
}
