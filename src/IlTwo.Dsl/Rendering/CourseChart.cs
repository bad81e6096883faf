using System.Globalization;
using System.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Rendering;

/// <summary>
/// A self-contained HTML page for a replayed course: an inline SVG with the doses (given, held, discontinue) on a time
/// axis, each marker's reasons in a <c>&lt;title&gt;</c>, and one panel per observation the fired or undecided rules read,
/// with the rule thresholds drawn as lines. No script, no external resource.
/// </summary>
public static class CourseChart
{
    private const double Width = 1100, Left = 190, Right = 30, DoseLane = 70, PanelHeight = 130, PanelGap = 24, Top = 40;

    public static string Render(ProtocolInfo protocol, PatientRecord record, CourseSimulation simulation, string title)
    {
        var steps = simulation.Steps;
        var (traces, omitted) = Traces(protocol, record, simulation);
        var times = steps.Select(s => s.At).Concat(traces.SelectMany(t => t.Points.Select(p => p.At))).ToList();
        var start = times.Count == 0 ? DateTimeOffset.UnixEpoch : times.Min();
        var end = times.Count == 0 ? start.AddHours(1) : times.Max();
        if (end <= start)
        {
            end = start.AddHours(1);
        }

        double X(DateTimeOffset t) => Left + (t - start).TotalSeconds / (end - start).TotalSeconds * (Width - Left - Right);

        var height = Top + DoseLane + traces.Count * (PanelHeight + PanelGap) + 40;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"course\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<text x=\"{Left}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{E(title)}</text>\n"));

        // ---- time axis: a tick every 12 h (or 24 h on long courses)
        var axisY = height - 25;
        svg.Append(Inv($"<g class=\"axis\"><line x1=\"{Left}\" y1=\"{axisY}\" x2=\"{Width - Right}\" y2=\"{axisY}\" stroke=\"#444\"/>\n"));
        var step = (end - start).TotalHours > 120 ? 24 : 12;
        for (var t = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero); t <= end; t = t.AddHours(step))
        {
            if (t < start)
            {
                continue;
            }

            var x = X(t);
            svg.Append(Inv($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{axisY}\" stroke=\"#eee\"/><text x=\"{x:0.#}\" y=\"{axisY + 15}\" text-anchor=\"middle\" fill=\"#444\">{t.UtcDateTime:MM-dd HH:mm}</text>\n"));
        }
        svg.Append("</g>\n");

        // ---- doses
        var laneY = Top + DoseLane / 2;
        svg.Append(Inv($"<g class=\"doses\"><text x=\"10\" y=\"{laneY + 4}\">IL-2 doses</text>\n"));
        foreach (var s in steps.Where(s => s.UsesSlot || s.Action == DoseAction.Discontinue))
        {
            var x = X(s.At);
            var kind = s.Action switch { DoseAction.Give => "give", DoseAction.Hold => "hold", _ => "discontinue" };
            var tip = $"dose {s.DoseNumber} at {Show(s.At)}: {kind}" + (s.Reasons.IsEmpty ? "" : "\n" + string.Join("\n", s.Reasons));
            var shape = kind switch
            {
                "give" => Inv($"<circle cx=\"{x:0.##}\" cy=\"{laneY}\" r=\"7\" fill=\"#2a7a2a\"/>"),
                "hold" => Inv($"<rect x=\"{x - 7:0.##}\" y=\"{laneY - 7}\" width=\"14\" height=\"14\" fill=\"#d98c00\"/>"),
                _ => Inv($"<path d=\"M{x - 8:0.##},{laneY - 8}L{x + 8:0.##},{laneY + 8}M{x + 8:0.##},{laneY - 8}L{x - 8:0.##},{laneY + 8}\" stroke=\"#b00020\" stroke-width=\"4\"/>"),
            };
            svg.Append(Inv($"<g class=\"dose {kind}\" data-dose=\"{s.DoseNumber}\" data-at=\"{DecisionIso(s.At)}\"><title>{E(tip)}</title>{shape}<text x=\"{x:0.##}\" y=\"{laneY - 12}\" text-anchor=\"middle\" font-size=\"10\">{s.DoseNumber}</text></g>\n"));
        }
        svg.Append("</g>\n");

        // ---- observation panels
        for (var i = 0; i < traces.Count; i++)
        {
            var trace = traces[i];
            var top = Top + DoseLane + i * (PanelHeight + PanelGap);
            var values = trace.Points.Select(p => p.Value).Concat(trace.Thresholds.Select(t => t.Value)).ToList();
            var low = Math.Min(0, values.Min());
            var high = values.Max();
            if (high <= low)
            {
                high = low + 1;
            }

            high += (high - low) * 0.1;
            double Y(double v) => top + PanelHeight - (v - low) / (high - low) * PanelHeight;

            svg.Append(Inv($"<g class=\"trace\" data-input=\"{E(trace.Input)}\">\n"));
            svg.Append(Inv($"<rect x=\"{Left}\" y=\"{top}\" width=\"{Width - Left - Right}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#ccc\"/>\n"));
            svg.Append(Inv($"<text x=\"10\" y=\"{top + 16}\" font-weight=\"bold\">{E(trace.Input)}</text><text x=\"10\" y=\"{top + 32}\" fill=\"#666\">{E(trace.Unit ?? "")}</text>\n"));
            svg.Append(Inv($"<text x=\"{Left - 5}\" y=\"{top + 10}\" text-anchor=\"end\" fill=\"#666\" font-size=\"10\">{high:0.##}</text><text x=\"{Left - 5}\" y=\"{top + PanelHeight}\" text-anchor=\"end\" fill=\"#666\" font-size=\"10\">{low:0.##}</text>\n"));
            foreach (var threshold in trace.Thresholds)
            {
                var y = Y(threshold.Value);
                var color = threshold.Action == RuleAction.Discontinue ? "#b00020" : "#d98c00";
                svg.Append(Inv($"<g class=\"threshold {threshold.Action.ToString().ToLowerInvariant()}\" data-rule=\"{E(threshold.Rule)}\" data-value=\"{threshold.Value.ToString("R", CultureInfo.InvariantCulture)}\"><title>{E($"{threshold.Action.ToString().ToLowerInvariant()} rule {threshold.Rule}: {trace.Input} {threshold.Comparison} {threshold.Value.ToString("0.###", CultureInfo.InvariantCulture)} {trace.Unit}")}</title>"));
                svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{y:0.##}\" x2=\"{Width - Right}\" y2=\"{y:0.##}\" stroke=\"{color}\" stroke-dasharray=\"6 4\"/>"));
                svg.Append(Inv($"<text x=\"{Width - Right - 4}\" y=\"{y - 3:0.##}\" text-anchor=\"end\" fill=\"{color}\" font-size=\"10\">{E(threshold.Rule)} {E(threshold.Comparison)} {threshold.Value.ToString("0.###", CultureInfo.InvariantCulture)}</text></g>\n"));
            }
            if (trace.Points.Count > 1)
            {
                svg.Append(Inv($"<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.5\" points=\"{string.Join(" ", trace.Points.Select(p => Inv($"{X(p.At):0.##},{Y(p.Value):0.##}")))}\"/>\n"));
            }

            foreach (var p in trace.Points)
            {
                svg.Append(Inv($"<circle class=\"point\" cx=\"{X(p.At):0.##}\" cy=\"{Y(p.Value):0.##}\" r=\"3\" fill=\"#1f5fa8\"><title>{E($"{trace.Input} = {p.Value.ToString("0.###", CultureInfo.InvariantCulture)} {trace.Unit} at {Show(p.At)}")}</title></circle>\n"));
            }

            svg.Append("</g>\n");
        }
        svg.Append("</svg>\n");

        var table = new StringBuilder();
        foreach (var s in simulation.Steps)
        {
            var recorded = s.Recorded is { } status ? status.ToString().ToLowerInvariant() : "-";
            table.Append(Inv($"<tr><td>{Show(s.At)}</td><td>{s.DoseNumber}</td><td>{recorded}</td><td>{s.Action.ToString().ToLowerInvariant()}</td><td>{E(string.Join("; ", s.Reasons))}</td></tr>\n"));
        }

        var left = omitted.Count == 0
            ? ""
            : $"<p id=\"not-drawn\">Not drawn (the record has no value to plot): {E(string.Join(", ", omitted))}.</p>\n";

        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}}</title>
            <style>body{font-family:sans-serif;margin:16px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}</style>
            </head><body>
            <h1 style="font-size:18px">{{E(title)}}</h1>
            <p>{{E(simulation.EndReason)}}. Hover a marker for its reasons. Circles: given; squares: held; cross: discontinue. Dashed lines: rule thresholds.</p>
            {{svg}}
            {{left}}<table id="steps"><tr><th>time</th><th>dose</th><th>record</th><th>action</th><th>reasons</th></tr>
            {{table}}</table>
            </body></html>

            """;
    }

    internal sealed record Threshold(string Rule, RuleAction Action, string Comparison, double Value);

    internal sealed record Point(DateTimeOffset At, double Value);

    internal sealed record Trace(string Input, string? Unit, List<Point> Points, List<Threshold> Thresholds);

    /// <summary>
    /// The inputs of rules that fired or were undecided in any step, every one of them (for a quiet course, every
    /// threshold input with data); the inputs left out because the record has no value to plot are named.
    /// </summary>
    internal static (List<Trace> Traces, List<string> Omitted) Traces(ProtocolInfo protocol, PatientRecord record, CourseSimulation simulation)
    {
        var used = new HashSet<string>(simulation.Steps.SelectMany(s => s.Decision.Rules.Select(r => r.Id)), StringComparer.Ordinal);
        var missing = new HashSet<string>(simulation.Steps.SelectMany(s => s.Decision.Missing.Where(m => !m.Optional).Select(m => m.Observation)), StringComparer.Ordinal);
        var candidates = protocol.Rules
            .SelectMany(r => r.Inputs.Where(i => i.Kind is InputKind.Latest or InputKind.Aggregate).Select(i => (Rule: r, Input: i)))
            .ToList();
        var chosen = candidates.Where(c => used.Contains(c.Rule.Id) || missing.Contains(protocol.Observations[c.Input.Index].Name)).ToList();
        if (chosen.Count == 0)
        {
            chosen = candidates.Where(c => !c.Input.Thresholds.IsEmpty).ToList();
        }

        var traces = new List<Trace>();
        var omitted = new List<string>();
        foreach (var group in chosen.GroupBy(c => c.Input.Text))
        {
            var input = group.First().Input;
            var observation = protocol.Observations[input.Index];
            var thresholds = candidates.Where(c => c.Input.Text == input.Text)
                .SelectMany(c => c.Input.Thresholds.Select(t => new Threshold(c.Rule.Id, c.Rule.Action, t.Comparison, t.Value)))
                .Distinct().ToList();
            var points = input.Kind == InputKind.Aggregate ? AggregatePoints(protocol, record, simulation, input) : ValuePoints(record, observation);
            if (points.Count == 0)
            {
                omitted.Add(input.Text);
                continue;
            }

            traces.Add(new Trace(input.Text, input.Aggregate == AggregateKind.Count ? null : observation.Unit, points, thresholds));
        }
        return (traces, omitted);
    }

    /// <summary>Recorded values in the declared unit; values whose unit does not convert are left out (the engine refuses them too).</summary>
    private static List<Point> ValuePoints(PatientRecord record, ObservationInfo observation)
    {
        var points = new List<Point>();
        foreach (var o in record.Observations.Where(o => o.Code == observation.Name || observation.Codes.Contains(o.Code)))
        {
            if (o.Flag is { } flag)
            {
                if (observation.IsYesNo)
                {
                    points.Add(new Point(o.At, flag ? 1 : 0));
                }

                continue;
            }
            if (o.Value is not { } value || o.Unit is null || observation.Unit is null)
            {
                continue;
            }

            if (Ucum.TryParse(o.Unit, out var from, out _) && Ucum.TryParse(observation.Unit, out var to, out _)
                && Ucum.TryGetConversion(from, to, observation.MolarMass, out var conversion, out _))
            {
                points.Add(new Point(o.At, conversion.Apply(value)));
            }
        }
        return [.. points.OrderBy(p => p.At)];
    }

    /// <summary>The aggregate as the engine computed it at each decision (from what each fired or undecided rule saw, else recomputed).</summary>
    private static List<Point> AggregatePoints(ProtocolInfo protocol, PatientRecord record, CourseSimulation simulation, RuleInputInfo input)
    {
        var points = new List<Point>();
        var observation = protocol.Observations[input.Index];
        var unit = Ucum.TryParse(observation.Unit ?? "1", out var parsed, out _) ? parsed : null;
        foreach (var step in simulation.Steps)
        {
            var snapshot = PatientSnapshot.Create(protocol, record, step.At).Snapshot;
            var window = input.WindowSeconds;
            var value = input.Aggregate switch
            {
                AggregateKind.Sum => snapshot.Sum(input.Index, window),
                AggregateKind.Min => snapshot.Min(input.Index, window),
                AggregateKind.Max => snapshot.Max(input.Index, window),
                AggregateKind.Mean => snapshot.Mean(input.Index, window),
                AggregateKind.Change => snapshot.Change(input.Index, window),
                _ => snapshot.Count(input.Index, window),
            };
            if (double.IsNaN(value))
            {
                continue;
            }

            if (input.Aggregate != AggregateKind.Count && unit is not null)
            {
                value = input.Aggregate is AggregateKind.Sum or AggregateKind.Change ? value / unit.Factor : (value - unit.Offset) / unit.Factor;
            }

            points.Add(new Point(step.At, value));
        }
        return points;
    }

    private static string E(string text) => HtmlText.Escape(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Show(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string DecisionIso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
