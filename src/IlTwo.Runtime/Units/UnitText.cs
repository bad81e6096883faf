namespace IlTwo.Runtime.Units;

/// <summary>
/// UCUM codes as clinicians write them, for text meant to be read (decision summaries, the CLI's verdict): mm[Hg] → mmHg,
/// 10*3/uL → ×10³/µL, Cel → °C, umol/L → µmol/L, [iU]/kg → IU/kg. JSON and records keep the UCUM code.
/// </summary>
public static class UnitText
{
    private static readonly Dictionary<string, string> Whole = new(StringComparer.Ordinal)
    {
        ["1"] = "",
        ["Cel"] = "°C",
        ["[degF]"] = "°F",
        ["mm[Hg]"] = "mmHg",
        ["cm[H2O]"] = "cmH2O",
        ["/min"] = "/min",
        ["{beats}/min"] = "/min",
        ["{breaths}/min"] = "/min",
    };

    private static readonly Dictionary<string, string> Parts = new(StringComparer.Ordinal)
    {
        ["mm[Hg]"] = "mmHg",
        ["Cel"] = "°C",
        ["[iU]"] = "IU",
        ["[IU]"] = "IU",
        ["10*3"] = "×10³",
        ["10*6"] = "×10⁶",
        ["10*9"] = "×10⁹",
        ["10*12"] = "×10¹²",
        ["ug"] = "µg",
        ["umol"] = "µmol",
        ["uL"] = "µL",
        ["uU"] = "µU",
        ["ueq"] = "µeq",
    };

    /// <summary>The display spelling; "" for the unity unit "1"; the code itself when nothing maps.</summary>
    public static string Display(string? ucum)
    {
        if (string.IsNullOrEmpty(ucum))
        {
            return "";
        }

        if (Whole.TryGetValue(ucum, out var whole))
        {
            return whole;
        }

        var text = new System.Text.StringBuilder();
        var start = 0;
        for (var i = 0; i <= ucum.Length; i++)
        {
            if (i < ucum.Length && ucum[i] is not ('/' or '.'))
            {
                continue;
            }

            var part = ucum[start..i];
            text.Append(Parts.TryGetValue(part, out var mapped) ? mapped : part);
            if (i < ucum.Length)
            {
                text.Append(ucum[i] == '.' ? "·" : "/");
            }

            start = i + 1;
        }
        return text.ToString();
    }
}
