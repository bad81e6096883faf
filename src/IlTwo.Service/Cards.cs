using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Service;

/// <summary>A decision as one CDS Hooks card: summary under 140 characters, indicator by action, Markdown detail, source.</summary>
public static class Cards
{
    public const int MaxSummary = 139;

    public static string Indicator(DoseAction action) => action switch
    {
        DoseAction.Discontinue => "critical",
        DoseAction.Hold => "warning",
        _ => "info",
    };

    private static string Verb(DoseAction action) => action switch
    {
        DoseAction.Discontinue => "Discontinue",
        DoseAction.Hold => "Hold",
        _ => "Give",
    };

    /// <summary>"Hold dose 5: systolic BP 84 mm[Hg] at 05:00 is below 90 mm[Hg]", cut to <see cref="MaxSummary"/> characters.</summary>
    public static string Summary(DoseDecision decision)
    {
        var reason = FirstSentence(decision.Summary);
        var text = decision.Action == DoseAction.Give && decision.Rules.IsEmpty && decision.Missing.All(m => m.Optional) && decision.Schedule.IsEmpty
            ? $"Give dose {decision.DoseNumber}: no hold or stop criterion is met"
            : $"{Verb(decision.Action)} dose {decision.DoseNumber}: {reason}";
        return Cut(text);
    }

    public static string Cut(string text) => text.Length <= MaxSummary ? text : text[..(MaxSummary - 1)].TrimEnd() + "…";

    private static string FirstSentence(string summary)
    {
        var line = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        // The engine's summary starts "Hold dose 5: ..." or "Hold: ..."; keep only the reason.
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && colon < 30 && line[..colon].Split(' ')[0] is "Hold" or "Give" or "Discontinue")
        {
            line = line[(colon + 2)..];
        }

        return line.TrimEnd('.');
    }

    /// <param name="notRead">What the FHIR reader refused without failing the record (another patient's reading, say): shown, never used.</param>
    public static string Detail(DoseDecision decision, ProtocolInfo info, IEnumerable<RecordIssue> notRead)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"**{Verb(decision.Action)} dose {decision.DoseNumber}** of {Escape(info.Regimen.Drug ?? "the drug")} at {Iso(decision.At)} ({Escape(info.Title)}).\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{decision.DosesGiven} dose(s) given");
        if (decision.DosesRemaining is { } remaining)
        {
            md.Append(CultureInfo.InvariantCulture, $", {remaining} remaining in the course");
        }

        md.Append(".\n");
        if (decision.NextDoseAt is { } next)
        {
            md.Append(CultureInfo.InvariantCulture, $"Next dose not before {Iso(next)}.\n");
        }

        if (!decision.Rules.IsEmpty)
        {
            md.Append("\n### Reasons\n");
            foreach (var rule in decision.Rules)
            {
                md.Append(CultureInfo.InvariantCulture, $"- **{Escape(rule.Title)}** (`{rule.Id}`, {(rule.Action == RuleAction.Hold ? "hold" : "discontinue")}): `{rule.Condition}`");
                if (rule.Note is { } note)
                {
                    md.Append(CultureInfo.InvariantCulture, $"; {Escape(note)}");
                }

                md.Append('\n');
                foreach (var value in rule.Values)
                {
                    md.Append(CultureInfo.InvariantCulture, $"  - {Escape(value.Input)}: {Value(value)}\n");
                }

                foreach (var citation in rule.Citations)
                {
                    md.Append(CultureInfo.InvariantCulture, $"  - cites {Citation(citation, info)}\n");
                }
            }
        }
        var missing = decision.Missing.Where(m => !m.Optional).ToList();
        if (missing.Count > 0)
        {
            md.Append("\n### Missing or stale data\n");
            foreach (var m in missing)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(m.Title)} (`{m.Observation}`): {Escape(m.Reason)}\n");
            }
        }
        if (!decision.Schedule.IsEmpty)
        {
            md.Append("\n### Schedule\n");
            foreach (var s in decision.Schedule)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(s.Message)} (`{s.Code}`)\n");
            }
        }
        if (!decision.DataErrors.IsEmpty)
        {
            md.Append("\n### Data problems\n");
            foreach (var e in decision.DataErrors)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(e.Path)}: {Escape(e.Message)}\n");
            }
        }
        var refused = notRead.ToList();
        if (refused.Count > 0)
        {
            md.Append("\n### Not read\n");
            foreach (var issue in refused)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(issue.Path)}: {Escape(issue.Message)}\n");
            }
        }
        md.Append(CultureInfo.InvariantCulture, $"\nProtocol `{info.Id}` {info.Version}, source SHA-256 `{info.SourceHash}`.\n");
        return md.ToString();
    }

    private static string Value(SeenValue v)
    {
        var text = v.Value is { } x ? Quantity(x, v.Unit) : v.Flag is { } f ? (f ? "yes" : "no") : "no value";
        if (v.ChartedValue is { } charted)
        {
            text += $" (charted {Quantity(charted, v.ChartedUnit)})";
        }

        if (v.At is { } at)
        {
            text += $" at {Iso(at)}";
        }

        if (v.Count is { } n)
        {
            text += $", {n} value(s)";
        }

        return Escape(text);
    }

    private static string Citation(CitationInfo c, ProtocolInfo info)
    {
        var reference = info.References.FirstOrDefault(r => r.Name == c.Reference);
        var title = reference?.Title ?? c.Reference ?? "source";
        var link = reference?.Url ?? (reference?.Doi is { } doi ? "https://doi.org/" + doi : null);
        var text = link is null ? Escape(title) : $"[{Escape(title)}]({link})";
        if (c.Locator is { } locator)
        {
            text += $": \"{Escape(locator)}\"";
        }

        if (c.Unverified)
        {
            text += " (unverified)";
        }

        return text;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Quantity(double value, string? unit) =>
        value.ToString("0.###", CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(unit) ? "" : " " + unit);

    /// <summary>
    /// Text (from the record, the FHIR server or the protocol) as literal Markdown: every character that could open a
    /// link, an image, an autolink, raw HTML, code or emphasis is backslash-escaped, and a line break is a space (no
    /// heading, list or HTML block can start). A subject <c>[click](javascript:...)</c> or a <c>&lt;script&gt;</c> in a code
    /// shows as the characters it is.
    /// </summary>
    internal static string Escape(string text)
    {
        var md = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '~' or '!' or '&':
                    md.Append('\\').Append(c);
                    break;
                case '\r' or '\n' or '\u2028' or '\u2029':
                    md.Append(' ');
                    break;
                default:
                    md.Append(c);
                    break;
            }
        }
        return md.ToString();
    }

    public static JsonObject Source(ProtocolInfo info, string baseUrl) => new()
    {
        ["label"] = $"{info.Id} {info.Version} ({info.SourceHash[..Math.Min(12, info.SourceHash.Length)]})",
        ["url"] = $"{baseUrl}/cds-services/{Uri.EscapeDataString(info.Id)}/review",
    };

    public static JsonObject Card(string uuid, string summary, string indicator, string detail, JsonObject source) => new()
    {
        ["uuid"] = uuid,
        ["summary"] = Cut(summary),
        ["indicator"] = indicator,
        ["detail"] = detail,
        ["source"] = source,
    };
}
