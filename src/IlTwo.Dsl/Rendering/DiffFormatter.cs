using System.Text;
using System.Text.Json;
using IlTwo.Dsl.Analysis.Comparison;

namespace IlTwo.Dsl.Rendering;

/// <summary>Writes a <see cref="ProtocolDiff"/> as plain text, Markdown, self-contained HTML or JSON (schema: docs/diff.md).</summary>
public static class DiffFormatter
{
    public static string Format(ProtocolDiff diff, string format) => format switch
    {
        "md" or "markdown" => Markdown(diff),
        "html" => Html(diff),
        "json" => Json(diff),
        _ => Text(diff),
    };

    private static string Arrow(ChangeDetail d) => (d.Before, d.After) switch
    {
        (null, { } after) => $"added: {after}",
        ({ } before, null) => $"removed: {before}",
        _ => $"{d.Before} -> {d.After}",
    };

    private static string Title(ProtocolDiff diff) =>
        $"{diff.OldId} {diff.OldVersion} ({diff.OldLabel}) -> {diff.NewId} {diff.NewVersion} ({diff.NewLabel})";

    // ------------------------------------------------------------ text

    public static string Text(ProtocolDiff diff)
    {
        var b = new StringBuilder();
        b.Append(diff.OverallLine).Append('\n');
        b.Append($"Compared: {Title(diff)}\n");
        foreach (var f in diff.Findings)
        {
            b.Append($"Finding in the {f.Version} version: {f.Location}: {f.Severity} {f.Code}: {f.Message}\n");
        }

        if (!diff.HasChanges)
        {
            return b.ToString();
        }

        b.Append($"Hold and stop rules as a whole: {VerdictText.Lower(diff.Rules.Verdict)} — {diff.Rules.Reason}\n");
        foreach (var change in diff.Changes)
        {
            b.Append($"\n[{VerdictText.Lower(change.Verdict)}] {change.Summary}\n");
            foreach (var d in change.Details)
            {
                b.Append($"    {d.What}: {Arrow(d)}\n");
            }

            b.Append($"    why: {change.Reason}\n");
            if (change.Counterexample is { } c)
            {
                b.Append($"    counterexample (checked): {c.Describe()} — old: {c.OldDecision}; new: {c.NewDecision}\n");
            }
        }
        return b.ToString();
    }

    // ------------------------------------------------------------ markdown

    private static string Md(string? text) => text is null ? "—" : text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal);

    private static string Badge(SafetyVerdict v) => v switch
    {
        SafetyVerdict.MoreConservative => "🟢 more conservative",
        SafetyVerdict.LessConservative => "🔴 less conservative",
        SafetyVerdict.CannotTell => "🟠 cannot tell",
        SafetyVerdict.Mixed => "🟣 mixed",
        _ => "⚪ neutral",
    };

    public static string Markdown(ProtocolDiff diff)
    {
        var b = new StringBuilder();
        b.Append($"# Protocol change review: {Md(diff.NewId)}\n\n");
        b.Append($"**{Md(diff.OverallLine)}**\n\n");
        b.Append($"| | Protocol | Version | Source |\n|---|---|---|---|\n");
        b.Append($"| Before | {Md(diff.OldId)} | {Md(diff.OldVersion)} | {Md(diff.OldLabel)} |\n");
        b.Append($"| After | {Md(diff.NewId)} | {Md(diff.NewVersion)} | {Md(diff.NewLabel)} |\n\n");
        if (!diff.Findings.IsEmpty)
        {
            b.Append("## Findings\n\n| Version | Where | Code | Finding |\n|---|---|---|---|\n");
            foreach (var f in diff.Findings)
            {
                b.Append($"| {f.Version} | {Md(f.Location)} | {f.Severity} {f.Code} | {Md(f.Message)} |\n");
            }
            b.Append('\n');
        }
        if (!diff.HasChanges)
        {
            b.Append("No change in meaning: the two versions give, hold and stop IL-2 in exactly the same way.\n");
            return b.ToString();
        }
        b.Append($"**Hold and stop criteria as a whole:** {Badge(diff.Rules.Verdict)} — {Md(diff.Rules.Reason)}\n\n");
        if (diff.Rules.LessExample is { } less)
        {
            b.Append($"> **Patient now given a dose that was held before (checked on both versions):** {Md(less.Describe())}. Before: {Md(less.OldDecision)}. Now: {Md(less.NewDecision)}.\n\n");
        }

        foreach (var area in diff.Changes.GroupBy(c => c.Area))
        {
            b.Append($"## {AreaTitle(area.Key)}\n\n| Change | Before | After | Safety | Why |\n|---|---|---|---|---|\n");
            foreach (var c in area)
            {
                var before = string.Join("<br>", c.Details.Select(d => d.Before is null ? "" : $"{Md(d.What)}: {Md(d.Before)}").Where(s => s.Length > 0));
                var after = string.Join("<br>", c.Details.Select(d => d.After is null ? "" : $"{Md(d.What)}: {Md(d.After)}").Where(s => s.Length > 0));
                var why = Md(c.Reason) + (c.Counterexample is { } x ? $"<br>**Example patient (checked):** {Md(x.Describe())} — before: {Md(x.OldDecision)}; now: {Md(x.NewDecision)}" : "");
                b.Append($"| {Md(c.Summary)} | {(before.Length == 0 ? "—" : before)} | {(after.Length == 0 ? "—" : after)} | {Badge(c.Verdict)} | {why} |\n");
            }
            b.Append('\n');
        }
        return b.ToString();
    }

    private static string AreaTitle(ChangeArea area) => area switch
    {
        ChangeArea.Header => "Protocol",
        ChangeArea.Regimen => "Regimen (dose, schedule, limits)",
        ChangeArea.Observation => "Observations (what is measured, how recent)",
        ChangeArea.Rule => "Hold and stop criteria",
        ChangeArea.Reference => "References",
        ChangeArea.Course => "Criteria over the course (until resolved, persistence, correction, groups)",
        _ => "Test scenarios",
    };

    // ------------------------------------------------------------ html

    private static string H(string? text) => text is null ? "—" : HtmlText.Escape(text);

    private static string HtmlBadge(SafetyVerdict v) => $"<span class=\"badge {VerdictText.Json(v)}\">{H(VerdictText.Lower(v))}</span>";

    public static string Html(ProtocolDiff diff)
    {
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        b.Append($"<title>Protocol change review: {H(diff.NewId)}</title>\n<style>\n");
        b.Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;color:#1b1b1b;line-height:1.4}\n");
        b.Append("table{border-collapse:collapse;width:100%;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f2f2f2}\n");
        b.Append(".badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:0.85em;font-weight:600;white-space:nowrap}\n");
        b.Append(".more-conservative{background:#d8f3dc;color:#1b4332}.less-conservative{background:#ffd6d6;color:#7a0000}.cannot-tell{background:#ffe8cc;color:#7a4100}.mixed{background:#eadcf8;color:#3c1361}.neutral{background:#eee;color:#333}\n");
        b.Append(".overall{font-size:1.2em;padding:0.8em;border-radius:6px;margin:1em 0}.example{background:#fff4f4;border-left:4px solid #c00;padding:0.6em 1em;margin:1em 0}\n");
        b.Append("</style></head><body>\n");
        b.Append($"<h1>Protocol change review: {H(diff.NewId)}</h1>\n");
        b.Append($"<p class=\"overall {VerdictText.Json(diff.Overall)}\"><strong>Overall: {H(VerdictText.Upper(diff.Overall))}</strong> — {H(diff.OverallSummary)}</p>\n");
        b.Append("<table><tr><th></th><th>Protocol</th><th>Version</th><th>Source</th></tr>");
        b.Append($"<tr><th>Before</th><td>{H(diff.OldId)}</td><td>{H(diff.OldVersion)}</td><td>{H(diff.OldLabel)}</td></tr>");
        b.Append($"<tr><th>After</th><td>{H(diff.NewId)}</td><td>{H(diff.NewVersion)}</td><td>{H(diff.NewLabel)}</td></tr></table>\n");
        if (!diff.Findings.IsEmpty)
        {
            b.Append("<h2>Findings</h2>\n<table><tr><th>Version</th><th>Where</th><th>Code</th><th>Finding</th></tr>\n");
            foreach (var f in diff.Findings)
            {
                b.Append($"<tr><td>{H(f.Version)}</td><td>{H(f.Location)}</td><td>{H(f.Severity)} {H(f.Code)}</td><td>{H(f.Message)}</td></tr>\n");
            }
            b.Append("</table>\n");
        }
        if (!diff.HasChanges)
        {
            b.Append("<p>No change in meaning: the two versions give, hold and stop IL-2 in exactly the same way.</p>\n</body></html>\n");
            return b.ToString();
        }
        b.Append($"<p><strong>Hold and stop criteria as a whole:</strong> {HtmlBadge(diff.Rules.Verdict)} {H(diff.Rules.Reason)}</p>\n");
        if (diff.Rules.LessExample is { } less)
        {
            b.Append($"<div class=\"example\"><strong>A patient now given a dose that was held before</strong> (checked on both versions): {H(less.Describe())}.<br>Before: {H(less.OldDecision)}. Now: {H(less.NewDecision)}.</div>\n");
        }

        foreach (var area in diff.Changes.GroupBy(c => c.Area))
        {
            b.Append($"<h2>{H(AreaTitle(area.Key))}</h2>\n<table><tr><th>Change</th><th>Before</th><th>After</th><th>Safety</th><th>Why</th></tr>\n");
            foreach (var c in area)
            {
                var before = string.Join("<br>", c.Details.Where(d => d.Before is not null).Select(d => $"{H(d.What)}: {H(d.Before)}"));
                var after = string.Join("<br>", c.Details.Where(d => d.After is not null).Select(d => $"{H(d.What)}: {H(d.After)}"));
                var why = H(c.Reason) + (c.Counterexample is { } x ? $"<br><strong>Example patient (checked):</strong> {H(x.Describe())} — before: {H(x.OldDecision)}; now: {H(x.NewDecision)}" : "");
                b.Append($"<tr><td>{H(c.Summary)}</td><td>{(before.Length == 0 ? "—" : before)}</td><td>{(after.Length == 0 ? "—" : after)}</td><td>{HtmlBadge(c.Verdict)}</td><td>{why}</td></tr>\n");
            }
            b.Append("</table>\n");
        }
        b.Append("</body></html>\n");
        return b.ToString();
    }

    // ------------------------------------------------------------ json

    public static string Json(ProtocolDiff diff)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "il2-diff/1");
            w.WriteString("overall", VerdictText.Json(diff.Overall));
            w.WriteString("summary", diff.OverallSummary);
            w.WriteStartObject("old");
            w.WriteString("id", diff.OldId);
            w.WriteString("version", diff.OldVersion);
            w.WriteString("source", diff.OldLabel);
            w.WriteEndObject();
            w.WriteStartObject("new");
            w.WriteString("id", diff.NewId);
            w.WriteString("version", diff.NewVersion);
            w.WriteString("source", diff.NewLabel);
            w.WriteEndObject();
            w.WriteStartObject("rules");
            w.WriteString("verdict", VerdictText.Json(diff.Rules.Verdict));
            w.WriteString("reason", diff.Rules.Reason);
            WriteExample(w, "lessConservativeExample", diff.Rules.LessExample);
            WriteExample(w, "moreConservativeExample", diff.Rules.MoreExample);
            w.WriteStartArray("undecidedBecause");
            foreach (var r in diff.Rules.UndecidedBecause)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("findings");
            foreach (var f in diff.Findings)
            {
                w.WriteStartObject();
                w.WriteString("version", f.Version);
                w.WriteString("code", f.Code);
                w.WriteString("severity", f.Severity);
                w.WriteString("location", f.Location);
                w.WriteString("message", f.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("changes");
            foreach (var c in diff.Changes)
            {
                w.WriteStartObject();
                w.WriteString("area", c.Area.ToString().ToLowerInvariant());
                w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                w.WriteString("subject", c.Subject);
                w.WriteString("summary", c.Summary);
                w.WriteString("verdict", VerdictText.Json(c.Verdict));
                w.WriteString("reason", c.Reason);
                w.WriteStartArray("details");
                foreach (var d in c.Details)
                {
                    w.WriteStartObject();
                    w.WriteString("what", d.What);
                    w.WriteString("before", d.Before);
                    w.WriteString("after", d.After);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteExample(w, "counterexample", c.Counterexample);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteExample(Utf8JsonWriter w, string name, Counterexample? example)
    {
        if (example is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteStartArray("values");
        foreach (var v in example.Values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("value", v.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("oldDecision", example.OldDecision);
        w.WriteString("newDecision", example.NewDecision);
        w.WriteEndObject();
    }
}
