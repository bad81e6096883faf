using System.Globalization;
using System.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Units;

namespace IlTwo.Cli;

/// <summary>The short readable verdict <c>il2 eval</c> prints: the action first, then why.</summary>
public static class DecisionText
{
    /// <param name="zone">The time zone times are written in (UTC when null).</param>
    public static string Format(DoseDecision decision, ProtocolInfo protocol, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        string Time(DateTimeOffset time) => TimeZoneOption.Show(time, zone);
        var text = new StringBuilder();
        var action = decision.Action.ToString().ToUpperInvariant();
        text.Append(CultureInfo.InvariantCulture, $"{action} dose {decision.DoseNumber} at {Time(decision.At)} under {protocol.Id} {protocol.Version} (sha256 {protocol.SourceHash[..12]})\n");
        if (decision.UnsignedProtocol is { } unsigned)
        {
            text.Append(CultureInfo.InvariantCulture, $"UNSIGNED PROTOCOL: {unsigned}\n");
        }

        text.Append('\n').Append(decision.Summary.Trim()).Append("\n\n");

        foreach (var rule in decision.Rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {rule.Action.ToString().ToLowerInvariant(),-11} {rule.Id}: {rule.Condition}\n");
            foreach (var value in rule.Values)
            {
                text.Append(CultureInfo.InvariantCulture, $"              saw {value.Input} = {Value(value)}{(value.At is { } seenAt ? " at " + Time(seenAt) : "")}\n");
            }

            foreach (var citation in rule.Citations)
            {
                text.Append(CultureInfo.InvariantCulture, $"              source: {Citation(citation)}\n");
            }
        }
        foreach (var missing in decision.Missing.Where(m => !m.Optional))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"missing",-11} {missing.Observation}: {missing.Reason}\n");
        }
        // A value too old to count is shown with its value and age, never as "not recorded".
        foreach (var stale in decision.Missing.Where(m => m.Optional && m.Stale))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"optional",-11} not counted: {stale.Observation} {stale.Reason}\n");
        }

        foreach (var finding in decision.Schedule)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"schedule",-11} {finding.Code}: {finding.Message}\n");
        }

        foreach (var issue in decision.DataErrors)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"bad data",-11} {issue.Path}: {issue.Message}\n");
        }
        // Last: absent optional data holds nothing, and a nurse reads what does first.
        var optional = decision.Missing.Where(m => m.Optional && !m.Stale).Select(m => m.Observation).ToList();
        if (optional.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"optional",-11} not recorded (holds nothing): {string.Join(", ", optional)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n  doses given {decision.DosesGiven}{(decision.DosesRemaining is { } left ? $", remaining {left}" : "")}; next dose {(decision.NextDoseAt is { } next ? Time(next) : "none")}\n");
        return text.ToString();
    }

    /// <summary>"84 mmHg" (clinical unit spellings), or as charted with the conversion: "11.99 kPa = 89.93 mmHg".</summary>
    private static string Value(SeenValue value)
    {
        if (value.Flag is { } flag)
        {
            return flag ? "yes" : "no";
        }

        if (value.Value is not { } number)
        {
            return "not available";
        }

        if (value.ChartedUnit is not { } unit || value.ChartedValue is not { } charted)
        {
            return Quantity(number.ToString("0.####", CultureInfo.InvariantCulture), value.Unit);
        }
        // A converted value carries no more digits than the charted one could: 4 significant digits.
        var digits = number == 0 || !double.IsFinite(number) ? 0 : Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(number))), 0, 4);
        var converted = Math.Round(number, digits, MidpointRounding.AwayFromZero).ToString("0.####", CultureInfo.InvariantCulture);
        return $"{Quantity(charted.ToString("0.####", CultureInfo.InvariantCulture), unit)} = {Quantity(converted, value.Unit)}";
    }

    private static string Quantity(string number, string? unit)
    {
        var display = UnitText.Display(unit);
        return display.Length == 0 ? number : display.StartsWith('/') || display == "%" ? number + display : $"{number} {display}";
    }

    private static string Citation(CitationInfo citation) =>
        citation.Unverified
            ? $"unverified{(citation.Note is null ? "" : ": " + citation.Note)}"
            : $"{citation.Reference}{(citation.Locator is null ? "" : ", " + citation.Locator)}";
}
