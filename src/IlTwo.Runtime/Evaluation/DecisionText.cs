using System.Globalization;
using System.Text;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// Deterministic formatting for decision text: invariant culture, no trailing zeros, clinical unit spellings, times in
/// the caller's time zone (UTC unless <see cref="InZone"/> chose another for the current thread).
/// </summary>
internal static class DecisionText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [ThreadStatic]
    private static TimeZoneInfo? s_zone;

    /// <summary>The time zone decision text is written in on this thread (UTC by default).</summary>
    public static TimeZoneInfo Zone => s_zone ?? TimeZoneInfo.Utc;

    /// <summary>Writes times in <paramref name="timeZone"/> on this thread until the result is disposed (a struct: nothing allocated).</summary>
    public static ZoneScope InZone(TimeZoneInfo? timeZone)
    {
        var previous = s_zone;
        s_zone = timeZone;
        return new ZoneScope(previous);
    }

    /// <summary>Restores the thread's previous time zone for decision text when disposed.</summary>
    public readonly struct ZoneScope(TimeZoneInfo? previous) : IDisposable
    {
        public void Dispose() => s_zone = previous;
    }

    [ThreadStatic]
    private static StringBuilder? s_builder;

    /// <summary>This thread's builder for a decision's text, emptied (or a new one while it is in use); give it back with <see cref="Return"/>.</summary>
    public static StringBuilder Rent()
    {
        var builder = s_builder ?? new StringBuilder(256);
        s_builder = null;
        return builder.Clear();
    }

    /// <summary>The text built in <paramref name="builder"/>, which the thread keeps for the next decision (unless it grew large).</summary>
    public static string Return(StringBuilder builder)
    {
        var text = builder.ToString();
        if (builder.Capacity <= 4096)
        {
            s_builder = builder;
        }

        return text;
    }

    /// <summary>
    /// Ends the sentence begun at <paramref name="start"/> of <paramref name="builder"/> as <see cref="Sentence"/> does a
    /// string: trailing white space removed, then a full stop unless it ends with one.
    /// </summary>
    public static void EndSentence(StringBuilder builder, int start)
    {
        var end = builder.Length;
        while (end > start && char.IsWhiteSpace(builder[end - 1]))
        {
            end--;
        }

        builder.Length = end;
        if (end == start || builder[end - 1] != '.')
        {
            builder.Append('.');
        }
    }

    /// <summary>Up to 4 decimals, no trailing zeros; tiny non-zero values keep 4 significant digits instead of reading as 0.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞";
        }

        if (Math.Abs(value) >= 1e15)
        {
            return value.ToString("G6", Invariant);
        }

        var text = value.ToString("0.####", Invariant);
        if (text is "0" or "-0")
        {
            return value == 0 ? "0" : value.ToString("G4", Invariant);
        }

        return text;
    }

    /// <summary>A value converted from another unit: 4 significant digits (89.93, 2.5, 0.05657), never more decimals than <see cref="Number"/>.</summary>
    public static string Converted(double value)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return Number(value);
        }

        var digits = Math.Max(0, 4 - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Number(Math.Round(value, Math.Min(digits, 15), MidpointRounding.AwayFromZero));
    }

    /// <summary><see cref="Number"/> written into <paramref name="builder"/> (formatted in place, no string made for the common number).</summary>
    public static void AppendNumber(StringBuilder builder, double value)
    {
        Span<char> buffer = stackalloc char[64];
        if (double.IsFinite(value) && Math.Abs(value) < 1e15 && value.TryFormat(buffer, out var written, "0.####", Invariant))
        {
            ReadOnlySpan<char> text = buffer[..written];
            if (text is not ("0" or "-0"))
            {
                builder.Append(text);
                return;
            }
        }

        builder.Append(Number(value));
    }

    /// <summary>"84 mmHg", "97 %", "210 ×10³/µL": a number with its unit as a clinician writes it.</summary>
    public static string Quantity(double value, string? unit) => Join(Number(value), unit);

    /// <summary><see cref="Quantity"/> written into <paramref name="builder"/>.</summary>
    public static void AppendQuantity(StringBuilder builder, double value, string? unit)
    {
        AppendNumber(builder, value);
        AppendUnit(builder, unit);
    }

    public static string Join(string number, string? unit)
    {
        var display = Units.UnitText.Display(unit);
        return display.Length == 0 ? number : display.StartsWith('/') || display == "%" ? number + display : $"{number} {display}";
    }

    /// <summary>What <see cref="Join"/> puts after the number, written into <paramref name="builder"/>.</summary>
    public static void AppendUnit(StringBuilder builder, string? unit)
    {
        var display = Units.UnitText.Display(unit);
        if (display.Length == 0)
        {
            return;
        }

        if (!(display.StartsWith('/') || display == "%"))
        {
            builder.Append(' ');
        }

        builder.Append(display);
    }

    public static string Hours(double seconds) => Number(seconds / 3600);

    /// <summary>
    /// "45 min", "4 h", "4 h 1 min", "2 d 3 h": rounded UP to the minute, so an age that is over its limit never reads as
    /// the limit itself ("4 h 1 min old; must be within 4 h", not "4.0 h old").
    /// </summary>
    public static string Age(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            return Number(seconds / 3600) + " h";
        }

        var minutes = (long)Math.Ceiling(seconds / 60 - 1e-9);
        if (minutes < 60)
        {
            return $"{minutes} min";
        }

        var hours = minutes / 60;
        var rest = minutes % 60;
        if (hours >= 48)
        {
            var days = hours / 24;
            var h = hours % 24;
            return h == 0 && rest == 0 ? $"{days} d" : rest == 0 ? $"{days} d {h} h" : $"{days} d {h} h {rest} min";
        }
        return rest == 0 ? $"{hours} h" : $"{hours} h {rest} min";
    }

    /// <summary>"05:00" when on the same day (in <see cref="Zone"/>) as <paramref name="reference"/>, else "2026-03-02 05:00".</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset reference)
    {
        var local = Local(time);
        return local.Date == Local(reference).Date
            ? local.ToString("HH:mm", Invariant)
            : local.ToString("yyyy-MM-dd HH:mm", Invariant);
    }

    /// <summary><see cref="Time"/> written into <paramref name="builder"/>.</summary>
    public static void AppendTime(StringBuilder builder, DateTimeOffset time, DateTimeOffset reference)
    {
        var local = Local(time);
        var format = local.Date == Local(reference).Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        Span<char> buffer = stackalloc char[32];
        if (local.TryFormat(buffer, out var written, format, Invariant))
        {
            builder.Append(buffer[..written]);
        }
        else
        {
            builder.Append(local.ToString(format, Invariant));
        }
    }

    private static DateTime Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone).DateTime;

    /// <summary>ISO 8601 UTC with only as many fraction digits as needed: 2026-03-03T05:00:00Z.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", Invariant);

    public static string Lower(DoseAction action) => action switch
    {
        DoseAction.Give => "give",
        DoseAction.Hold => "hold",
        _ => "discontinue",
    };

    public static string Lower(Protocols.RuleAction action) => action == Protocols.RuleAction.Hold ? "hold" : "discontinue";

    public static string Word(Protocols.RuleAction action) => action == Protocols.RuleAction.Hold ? "Hold" : "Discontinue";

    public static string Sentence(string text)
    {
        text = text.TrimEnd();
        return text.EndsWith('.') ? text : text + ".";
    }
}
