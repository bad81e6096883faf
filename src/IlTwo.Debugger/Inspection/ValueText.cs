using System.Globalization;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Units;

namespace IlTwo.Debugger.Inspection;

/// <summary>How the Variables view writes numbers, times, truths and the values a rule read.</summary>
public static class ValueText
{
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Truth(Truth truth) => truth switch
    {
        Runtime.Evaluation.Truth.True => "true",
        Runtime.Evaluation.Truth.False => "false",
        _ => "unknown",
    };

    /// <summary><c>11:00 UTC (1 h ago)</c>: the scenario's times are relative to the moment every scenario is evaluated at.</summary>
    public static string Time(DateTimeOffset at) => $"{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({Ago(ScenarioRunner.Now - at)} ago)";

    public static string Ago(TimeSpan age) =>
        age.TotalMinutes < 120 ? $"{Number(Math.Round(age.TotalMinutes))} min" : $"{Number(Math.Round(age.TotalHours, 1))} h";

    public static string Duration(double seconds) =>
        seconds % 3600 == 0 ? $"{Number(seconds / 3600)} h" : $"{Number(seconds / 60)} min";

    /// <summary>A canonical value (Pa, m3...) in the observation's declared unit; null when the unit does not parse.</summary>
    public static double? ToDeclared(ObservationInfo observation, double canonical)
    {
        if (observation.Unit is null || !Ucum.TryParse(observation.Unit, out var unit, out _))
        {
            return null;
        }
        return (canonical - unit.Offset) / unit.Factor;
    }

    /// <summary>One value a rule read: <c>84 mm[Hg] (charted 11.2 kPa), 2026-01-01 11:00 UTC (1 h ago)</c>, or <c>no value</c>.</summary>
    public static string Seen(SeenValue v)
    {
        var text = v.Flag is { } flag ? (flag ? "yes" : "no")
            : v.Value is { } value ? $"{Number(value)}{(v.Unit is { Length: > 0 } unit ? " " + unit : "")}"
            : "no value";
        if (v.ChartedValue is { } charted && v.ChartedUnit is { } chartedUnit)
        {
            text += $" (charted {Number(charted)} {chartedUnit})";
        }

        if (v.Count is { } count)
        {
            text += $" over {count} value{(count == 1 ? "" : "s")}";
        }

        if (v.At is { } at)
        {
            text += $", {Time(at)}";
        }
        return text;
    }
}
