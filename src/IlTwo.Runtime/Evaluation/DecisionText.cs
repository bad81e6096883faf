using System.Globalization;

namespace IlTwo.Runtime.Evaluation;

/// <summary>Deterministic formatting for decision text: invariant culture, UTC, no trailing zeros.</summary>
internal static class DecisionText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Up to 4 decimals, no trailing zeros; tiny non-zero values keep 4 significant digits instead of reading as 0.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
            return double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞";
        var text = value.ToString("0.####", Invariant);
        if (text is "0" or "-0")
            return value == 0 ? "0" : value.ToString("G4", Invariant);
        return text;
    }

    public static string Hours(double seconds) => Number(seconds / 3600);

    /// <summary>"05:00" when on the same UTC day as <paramref name="reference"/>, else "2026-03-02 05:00".</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset reference)
    {
        var utc = time.UtcDateTime;
        return utc.Date == reference.UtcDateTime.Date
            ? utc.ToString("HH:mm", Invariant)
            : utc.ToString("yyyy-MM-dd HH:mm", Invariant);
    }

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
