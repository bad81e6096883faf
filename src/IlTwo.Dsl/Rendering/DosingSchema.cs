using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Rendering;

/// <summary>One planned dose on the schema: its number in the course, its cycle, and hours after the schema's zero.</summary>
public sealed record PlannedDose(int Number, int Cycle, double Hours);

/// <summary>One cycle on the schema: where its doses start and end, and how many it holds.</summary>
public sealed record PlannedCycle(int Number, double StartHours, double EndHours, int Doses);

/// <summary>
/// The regimen laid out as a course, the way dosing-schema figures in the IL-2 literature draw it: every dose at the
/// shortest interval, cycles up to the per-cycle cap, the course up to the per-course cap, and the first-dose window
/// after its event. Zero is the first dose (day 1), or the event that opens the first-dose window.
/// </summary>
public sealed record DosePlan(
    ImmutableArray<PlannedDose> Doses,
    ImmutableArray<PlannedCycle> Cycles,
    double IntervalHours,
    double? MaxIntervalHours,
    int? MaxDosesPerCycle,
    int? MaxDosesPerCourse,
    FirstDoseWindowInfo? Window,
    double SpanHours,
    bool Uncapped)
{
    /// <summary>Cycles after the first are drawn two weeks apart: the label's schedule (days 1-5 and 15-19).</summary>
    public const double CyclePeriodHours = 14 * 24;

    /// <summary>Without any dose cap, the schema shows this many days of doses.</summary>
    public const double UncappedDays = 5;

    /// <summary>Hours axis for short courses (post-TIL), days for long ones (monotherapy).</summary>
    public bool AxisInHours => SpanHours <= 96;

    /// <summary>The plan for a regimen; null when it has no dose interval to lay out.</summary>
    public static DosePlan? For(RegimenInfo regimen)
    {
        ArgumentNullException.ThrowIfNull(regimen);
        var interval = regimen.MinIntervalSeconds / 3600;
        if (!double.IsFinite(interval) || interval <= 0)
        {
            return null;
        }

        var window = regimen.FirstDose;
        var start = window is null ? 0 : window.EarliestSeconds / 3600;
        var perCycle = regimen.MaxDosesPerCycle;
        var perCourse = regimen.MaxDosesPerCourse;
        var uncapped = perCycle is null && perCourse is null;
        var total = perCourse ?? perCycle ?? (int)Math.Floor(UncappedDays * 24 / interval);
        total = Math.Clamp(total, 0, 500);
        var cycleSize = perCycle is { } c && c > 0 ? c : total;

        var doses = ImmutableArray.CreateBuilder<PlannedDose>();
        var cycles = ImmutableArray.CreateBuilder<PlannedCycle>();
        var period = Math.Max(CyclePeriodHours, Math.Ceiling((cycleSize * interval + 7 * 24) / 24) * 24);
        var number = 0;
        for (var cycle = 1; number < total; cycle++)
        {
            var cycleStart = start + (cycle - 1) * period;
            var inCycle = Math.Min(cycleSize, total - number);
            for (var i = 0; i < inCycle; i++)
            {
                doses.Add(new PlannedDose(++number, cycle, cycleStart + i * interval));
            }

            cycles.Add(new PlannedCycle(cycle, cycleStart, cycleStart + (inCycle - 1) * interval, inCycle));
            if (inCycle == 0)
            {
                break;
            }
        }

        var last = doses.Count == 0 ? start : doses[^1].Hours;
        var end = Math.Max(last + interval, window is null ? 0 : window.LatestSeconds / 3600);
        var span = end <= 96 ? Math.Ceiling(end / 6) * 6 : Math.Ceiling(end / 24) * 24;
        return new DosePlan(doses.ToImmutable(), cycles.ToImmutable(), interval, regimen.MaxIntervalSeconds / 3600,
            perCycle, perCourse, window, span, uncapped);
    }

    /// <summary>Where a dose falls, for a reader: "day 3, 16:00" or "27 h after til-infusion".</summary>
    public string When(double hours) =>
        Window is { } w
            ? $"{Number(hours)} h after {w.Event}"
            : $"day {(int)Math.Floor(hours / 24) + 1}, {TimeSpan.FromHours(hours % 24):hh\\:mm}";

    internal static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Draws a <see cref="DosePlan"/> as an inline SVG timeline (no script, no external resource).</summary>
public static class DosingSchema
{
    private const double Width = 1120;
    private const double Left = 48;
    private const double Right = 28;
    private const double BandTop = 30;
    private const double BandBottom = 128;
    private const double DoseY = 106;
    private const double AxisY = 140;
    private const double Height = 232;

    /// <summary>The SVG element; every dose is one <c>circle.dose-marker</c>.</summary>
    public static string Svg(DosePlan plan, string? eventTitle = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var svg = new StringBuilder();
        double X(double hours) => Left + (Width - Left - Right) * (plan.SpanHours <= 0 ? 0 : hours / plan.SpanHours);
        string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"schema\" role=\"img\" viewBox=\"0 0 {N(Width)} {N(Height)}\" width=\"{N(Width)}\" height=\"{N(Height)}\" data-doses=\"{plan.Doses.Length}\" aria-label=\"Dosing schema: {plan.Doses.Length} doses\">\n");
        svg.Append("<defs><pattern id=\"rest-hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f3f4f6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#d1d5db\" stroke-width=\"3\"/></pattern></defs>\n");

        // First-dose window after its event.
        if (plan.Window is { } window)
        {
            var from = X(window.EarliestSeconds / 3600);
            var to = X(window.LatestSeconds / 3600);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"first-dose-window\" x=\"{N(from)}\" y=\"{N(BandTop)}\" width=\"{N(to - from)}\" height=\"{N(BandBottom - BandTop)}\" fill=\"#fde68a\" fill-opacity=\"0.55\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(from + 6)}\" y=\"{N(BandTop + 34)}\" class=\"lbl\">first-dose window: {DosePlan.Number(window.EarliestSeconds / 3600)}–{DosePlan.Number(window.LatestSeconds / 3600)} h after {HtmlText.Escape(window.Event)}</text>\n");
            var x0 = X(0);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"event\" x1=\"{N(x0)}\" y1=\"{N(BandTop - 8)}\" x2=\"{N(x0)}\" y2=\"{N(AxisY)}\" stroke=\"#92400e\" stroke-width=\"2\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{N(x0 - 6)},{N(BandTop - 16)} {N(x0 + 6)},{N(BandTop - 16)} {N(x0)},{N(BandTop - 6)}\" fill=\"#92400e\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x0 + 10)}\" y=\"{N(BandTop - 8)}\" class=\"lbl strong\">{HtmlText.Escape(eventTitle ?? window.Event)}</text>\n");
        }

        // Cycles and the rest between them.
        for (var i = 0; i < plan.Cycles.Length; i++)
        {
            var cycle = plan.Cycles[i];
            var from = X(cycle.StartHours - plan.IntervalHours / 3);
            var to = X(cycle.EndHours + plan.IntervalHours / 3);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"cycle\" x=\"{N(from)}\" y=\"{N(BandTop + 44)}\" width=\"{N(to - from)}\" height=\"{N(BandBottom - BandTop - 44)}\" rx=\"4\" fill=\"#dbeafe\"/>\n");
            if (plan.Cycles.Length > 1 || plan.MaxDosesPerCycle is not null)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(from + 4)}\" y=\"{N(BandTop + 14)}\" class=\"lbl strong\">{(plan.Cycles.Length == 1 ? "Course" : $"Cycle {cycle.Number}")}: {cycle.Doses} doses</text>\n");
            }

            if (i + 1 < plan.Cycles.Length)
            {
                var next = plan.Cycles[i + 1];
                var restFrom = to + 4;
                var restTo = X(next.StartHours - plan.IntervalHours / 3) - 4;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"rest\" x=\"{N(restFrom)}\" y=\"{N(BandTop + 44)}\" width=\"{N(Math.Max(0, restTo - restFrom))}\" height=\"{N(BandBottom - BandTop - 44)}\" fill=\"url(#rest-hatch)\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N((restFrom + restTo) / 2)}\" y=\"{N(BandTop + 66)}\" class=\"lbl\" text-anchor=\"middle\">rest until the next cycle-start</text>\n");
            }
        }

        // Dose caps: after the last dose of each full cycle, and at the end of the course.
        foreach (var cycle in plan.Cycles)
        {
            var isLast = cycle.Number == plan.Cycles.Length;
            var label = isLast && plan.MaxDosesPerCourse is { } course
                ? $"max {course} doses per course"
                : plan.MaxDosesPerCycle is { } perCycle && cycle.Doses == perCycle ? $"max {perCycle} doses per cycle" : null;
            if (label is null)
            {
                continue;
            }

            var x = X(cycle.EndHours + plan.IntervalHours / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"cap\" x1=\"{N(x)}\" y1=\"{N(BandTop - 8)}\" x2=\"{N(x)}\" y2=\"{N(AxisY)}\" stroke=\"#b91c1c\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x - 4)}\" y=\"{N(BandTop - 12)}\" class=\"lbl cap-label\" text-anchor=\"end\">{label}</text>\n");
        }

        // Doses.
        var spacing = plan.Doses.Length > 1 ? X(plan.IntervalHours) - X(0) : Width;
        foreach (var dose in plan.Doses)
        {
            var x = X(dose.Hours);
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"dose-marker\" data-dose=\"{dose.Number}\" cx=\"{N(x)}\" cy=\"{N(DoseY)}\" r=\"6\" fill=\"#1e3a8a\"><title>Dose {dose.Number}: {HtmlText.Escape(plan.When(dose.Hours))}</title></circle>\n");
            if (spacing >= 14 || dose.Number % 5 == 0 || dose.Number == 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(DoseY - 12)}\" class=\"num\" text-anchor=\"middle\">{dose.Number}</text>\n");
            }
        }

        // Axis.
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(Left)}\" y1=\"{N(AxisY)}\" x2=\"{N(Width - Right)}\" y2=\"{N(AxisY)}\" stroke=\"#374151\"/>\n");
        if (plan.AxisInHours)
        {
            var step = plan.SpanHours <= 48 ? 6 : 12;
            for (var h = 0.0; h <= plan.SpanHours + 1e-9; h += step)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(h))}\" y1=\"{N(AxisY)}\" x2=\"{N(X(h))}\" y2=\"{N(AxisY + 6)}\" stroke=\"#374151\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(h))}\" y=\"{N(AxisY + 20)}\" class=\"tick\" text-anchor=\"middle\">{N(h)} h</text>\n");
            }
            var zero = plan.Window is { } w ? $"hours after {HtmlText.Escape(w.Event)}" : "hours after the first dose";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N((Left + Width - Right) / 2)}\" y=\"{N(AxisY + 38)}\" class=\"axis-title\" text-anchor=\"middle\">{zero}</text>\n");
        }
        else
        {
            var days = (int)Math.Round(plan.SpanHours / 24);
            for (var d = 0; d <= days; d++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(d * 24))}\" y1=\"{N(AxisY)}\" x2=\"{N(X(d * 24))}\" y2=\"{N(AxisY + 6)}\" stroke=\"#374151\"/>\n");
            }

            for (var d = 0; d < days; d++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(d * 24 + 12))}\" y=\"{N(AxisY + 20)}\" class=\"tick\" text-anchor=\"middle\">{d + 1}</text>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N((Left + Width - Right) / 2)}\" y=\"{N(AxisY + 38)}\" class=\"axis-title\" text-anchor=\"middle\">day of the course (day 1 = first dose at 00:00)</text>\n");
        }

        // Legend.
        var ly = Height - 22;
        var lx = Left;
        void Item(string swatch, string text, double width)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend-item\" transform=\"translate({N(lx)},{N(ly)})\">{swatch}<text x=\"22\" y=\"4\" class=\"lbl\">{text}</text></g>\n");
            lx += width;
        }
        var every = plan.MaxIntervalHours is { } max && max > plan.IntervalHours
            ? $"dose (every {DosePlan.Number(plan.IntervalHours)}–{DosePlan.Number(max)} h; drawn at {DosePlan.Number(plan.IntervalHours)} h)"
            : $"dose (every {DosePlan.Number(plan.IntervalHours)} h)";
        Item("<circle cx=\"8\" cy=\"0\" r=\"6\" fill=\"#1e3a8a\"/>", every, 300);
        Item("<rect x=\"0\" y=\"-7\" width=\"16\" height=\"14\" fill=\"#dbeafe\"/>", "cycle", 80);
        if (plan.Cycles.Length > 1)
        {
            Item("<rect x=\"0\" y=\"-7\" width=\"16\" height=\"14\" fill=\"url(#rest-hatch)\"/>", "rest between cycles", 170);
        }

        if (plan.Window is not null)
        {
            Item("<rect x=\"0\" y=\"-7\" width=\"16\" height=\"14\" fill=\"#fde68a\"/>", "first-dose window", 160);
        }

        Item("<line x1=\"8\" y1=\"-8\" x2=\"8\" y2=\"8\" stroke=\"#b91c1c\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>", "dose cap", 100);

        svg.Append("</svg>");
        return svg.ToString();
    }
}
