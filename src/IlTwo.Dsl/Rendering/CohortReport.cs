using System.Globalization;
using System.Text;
using IlTwo.Runtime.Evaluation;

namespace IlTwo.Dsl.Rendering;

/// <summary>
/// The committee's page for <c>il2 replay</c>: what changes from the old protocol to the new one over a cohort (doses by
/// direction and cause, patients affected), then each affected patient's changed doses with both decisions and their
/// reasons, then the records that were refused and why. Every text from a record or protocol is escaped; no script.
/// </summary>
public static class CohortReport
{
    public static string Render(CohortResult result, string oldProtocol, string newProtocol, bool unsigned = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder(32 * 1024);
        var title = $"Cohort replay: {oldProtocol} → {newProtocol}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(Inv($"<title>{E(title)}</title>\n"));
        html.Append("<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}.stricter{color:#8a5a00}.looser{color:#b00020;font-weight:bold}.reached{color:#555}.warn{background:#fff3cd;padding:6px}</style>\n");
        html.Append("</head>\n<body>\n");
        html.Append(Inv($"<h1>{E(title)}</h1>\n"));
        if (unsigned)
        {
            html.Append("<p class=\"warn\">UNSIGNED PROTOCOL: at least one version was loaded without checking its approvals (development only).</p>\n");
        }

        var replayed = result.Replayed.Count();
        var refused = result.Refused.Count();
        html.Append(Inv($"<p id=\"summary\">{result.Patients.Length} patients: {replayed} replayed, {refused} refused. {result.Decisions} decisions. <strong>{result.ChangedDoses} dose(s) decided differently in {result.PatientsAffected} patient(s).</strong></p>\n"));
        html.Append("<p>Each recorded dose time is decided by both versions from the record as it stood then (the doses the record gave or held before it, and the data charted by then). <span class=\"stricter\">Stricter</span>: the new version holds or stops where the old one gave, or stops where it held. <span class=\"looser\">Looser</span>: the reverse. <span class=\"reached\">Reached</span>: only one version decided that dose time (the other had stopped the course). The cause is what the stricter decision has that the other lacks.</p>\n");

        html.Append("<h2>Changes by direction and cause</h2>\n");
        if (result.Groups.IsEmpty)
        {
            html.Append("<p>No dose is decided differently.</p>\n");
        }
        else
        {
            html.Append("<table id=\"groups\"><tr><th>direction</th><th>cause</th><th>doses</th><th>patients</th></tr>\n");
            foreach (var g in result.Groups)
            {
                var direction = g.Direction.ToString().ToLowerInvariant();
                html.Append(Inv($"<tr><td class=\"{direction}\">{direction}</td><td>{E(g.Cause)}</td><td>{g.Doses}</td><td>{g.Patients}</td></tr>\n"));
            }
            html.Append("</table>\n");
        }

        html.Append("<h2>Patients with changed doses</h2>\n");
        var affected = result.Patients.Where(p => !p.Changes.IsEmpty).ToList();
        if (affected.Count == 0)
        {
            html.Append("<p>None.</p>\n");
        }

        // Ids that differ only in characters an anchor cannot hold ('a/p', 'a_p') still get one anchor each.
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in affected)
        {
            var anchor = Anchor(p.Patient.Id);
            for (var n = 2; !anchors.Add(anchor); n++)
            {
                anchor = Inv($"{Anchor(p.Patient.Id)}-{n}");
            }

            html.Append(Inv($"<h3 id=\"patient-{E(anchor)}\">{E(p.Patient.Id)} <small>({E(p.Patient.Source)})</small></h3>\n"));
            html.Append(Inv($"<p>old: {E(p.Old!.EndReason)}; new: {E(p.New!.EndReason)}.</p>\n"));
            html.Append("<table><tr><th>dose time</th><th>record</th><th>change</th><th>old decision</th><th>new decision</th><th>cause</th></tr>\n");
            foreach (var c in p.Changes)
            {
                var direction = c.Direction.ToString().ToLowerInvariant();
                var recorded = (c.Old ?? c.New)?.Recorded?.ToString().ToLowerInvariant() ?? "-";
                html.Append(Inv($"<tr><td>{Show(c.At)}</td><td>{E(recorded)}</td><td class=\"{direction}\">{direction}</td><td>{Step(c.Old)}</td><td>{Step(c.New)}</td><td>{E(string.Join("; ", c.Causes))}</td></tr>\n"));
            }
            html.Append("</table>\n");
        }

        html.Append("<h2 id=\"refused\">Records refused</h2>\n");
        if (refused == 0 && result.SourceIssues.IsEmpty)
        {
            html.Append("<p>None: every record was read.</p>\n");
        }
        else
        {
            html.Append("<p>These records were replayed under neither version: the reader found errors, and no decision is made from half-read data.</p>\n<ul>\n");
            foreach (var p in result.Refused)
            {
                var errors = p.OldIssues.Concat(p.NewIssues).Where(i => i.IsError).Select(i => i.Text).Distinct();
                html.Append(Inv($"<li><strong>{E(p.Patient.Id)}</strong> ({E(p.Patient.Source)}): {E(string.Join("; ", errors))}</li>\n"));
            }
            foreach (var issue in result.SourceIssues)
            {
                html.Append(Inv($"<li>not read: {E(issue)}</li>\n"));
            }
            html.Append("</ul>\n");
        }

        html.Append("<p><small>Generated by il2 replay. The per-patient details (every dose under both versions) are in the JSON written with --details.</small></p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Step(CourseStep? step) => step is null
        ? "<em>not reached</em>"
        : Inv($"<strong>{step.Action.ToString().ToLowerInvariant()}</strong> (dose {step.DoseNumber}){(step.Reasons.IsEmpty ? "" : "<br>" + E(string.Join("; ", step.Reasons)))}");

    /// <summary>An id fit for an HTML id attribute (letters, digits, '-' and '_'; anything else as '_').</summary>
    private static string Anchor(string id) => new([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);

    private static string E(string? text) => HtmlText.Escape(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Show(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
