using System.Text;

namespace IlTwo.Runtime.Units;

/// <summary>
/// Common EHR spellings that are not UCUM. They are never accepted silently (a DSL author should
/// see and fix "mmHg"), only offered as hints.
/// </summary>
internal static class UcumSuggestions
{
    // Whole codes whose fix is not a token-for-token rewrite.
    private static readonly Dictionary<string, string> WholeCodes = new(StringComparer.Ordinal)
    {
        ["bpm"] = "/min",
        ["beats/min"] = "/min",
        ["breaths/min"] = "/min",
        ["K/mcL"] = "10*3/uL",
        ["M/uL"] = "10*6/uL",
        ["x10^3/uL"] = "10*3/uL",
        ["x10E3/uL"] = "10*3/uL",
        ["x10*3/uL"] = "10*3/uL",
        ["x10^9/L"] = "10*9/L",
        ["x10E9/L"] = "10*9/L",
        ["x10*9/L"] = "10*9/L",
    };

    // Valid UCUM that almost always means something else in an EHR: "K/uL" is kelvin per microliter.
    private static readonly Dictionary<string, string> ValidButMisused = new(StringComparer.Ordinal)
    {
        ["K/uL"] = "10*3/uL",
        ["K/mm3"] = "10*3/uL",
    };

    // Tokens between operators.
    private static readonly Dictionary<string, string> Tokens = new(StringComparer.Ordinal)
    {
        ["mmHg"] = "mm[Hg]",
        ["cmH2O"] = "cm[H2O]",
        ["mEq"] = "meq",
        ["Eq"] = "eq",
        ["mOsm"] = "mosm",
        ["Osm"] = "osm",
        ["IU"] = "[iU]",
        ["iU"] = "[iU]",
        ["mIU"] = "m[iU]",
        ["kIU"] = "k[iU]",
        ["MIU"] = "M[iU]",
        ["degC"] = "Cel",
        ["°C"] = "Cel",
        ["℃"] = "Cel",
        ["C"] = "Cel",
        ["degF"] = "[degF]",
        ["°F"] = "[degF]",
        ["℉"] = "[degF]",
        ["F"] = "[degF]",
        ["cc"] = "mL",
        ["hr"] = "h",
        ["hrs"] = "h",
        ["sec"] = "s",
        ["mins"] = "min",
        ["yr"] = "a",
        ["Kg"] = "kg",
        ["KG"] = "kg",
        ["lb"] = "[lb_av]",
        ["lbs"] = "[lb_av]",
        ["in"] = "[in_i]",
        ["ft"] = "[ft_i]",
    };

    /// <summary>
    /// The UCUM spelling for a common mistake, or null when no fix is known. Valid codes get null,
    /// except a few that parse but are clinical traps (K/uL). A suggestion is only returned if it parses.
    /// </summary>
    public static string? For(string code, Func<string, bool> isValid)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > UcumParser.MaxCodeLength)
        {
            return null;
        }

        var trimmed = code.Trim();
        if (ValidButMisused.TryGetValue(trimmed, out var misused))
        {
            return misused;
        }

        if (isValid(code))
        {
            return null;
        }

        if (isValid(trimmed))
        {
            return trimmed;
        }

        if (WholeCodes.TryGetValue(trimmed, out var whole) && isValid(whole))
        {
            return whole;
        }

        var rewritten = RewriteTokens(trimmed);
        return rewritten != trimmed && isValid(rewritten) ? rewritten : null;
    }

    private static string RewriteTokens(string code)
    {
        var sb = new StringBuilder(code.Length + 8);
        var start = 0;
        for (var i = 0; i <= code.Length; i++)
        {
            if (i < code.Length && code[i] is not ('.' or '/' or '(' or ')'))
            {
                continue;
            }

            sb.Append(RewriteToken(code[start..i]));
            if (i < code.Length)
            {
                sb.Append(code[i]);
            }

            start = i + 1;
        }

        return sb.ToString();
    }

    private static string RewriteToken(string token)
    {
        if (Tokens.TryGetValue(token, out var fixedToken))
        {
            return fixedToken;
        }

        // Micro written as "mc", the micro sign or Greek mu: mcg, µmol, μL.
        foreach (var micro in (ReadOnlySpan<string>)["mc", "µ", "μ"])
        {
            if (token.Length > micro.Length && token.StartsWith(micro, StringComparison.Ordinal))
            {
                var rest = token[micro.Length..];
                return "u" + (Tokens.TryGetValue(rest, out var fixedRest) ? fixedRest : rest);
            }
        }

        return token;
    }
}
