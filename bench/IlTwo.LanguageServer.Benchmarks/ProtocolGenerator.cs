using System.Globalization;
using System.Text;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>Writes a valid protocol of about <c>lines</c> lines: observations, rules citing references, and scenarios.</summary>
public static class ProtocolGenerator
{
    private static readonly (string Unit, string Loinc, double Low, double High)[] Kinds =
    [
        ("mm[Hg]", "8480-6", 40, 250),
        ("/min", "8867-4", 30, 220),
        ("mg/dL", "2160-0", 0.2, 15),
        ("%", "59408-5", 50, 100),
    ];

    public static string Generate(int lines, string id = "generated")
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"protocol {id}\ntitle \"Generated protocol\"\nversion 1.0.0\n\n");
        const int references = 20;
        for (var r = 0; r < references; r++)
            text.Append(CultureInfo.InvariantCulture, $"reference ref-{r} \"Reference {r}\"\n  doi \"10.1000/{r}\"\n");
        text.Append("\nregimen {\n  drug aldesleukin\n  dose 600000 [iU]/kg\n  route intravenous\n  every 8 h\n  cite ref-0 \"dosing\"\n}\n\n");

        // One group = one observation (7 lines), two rules (8 lines), one scenario (5 lines): 20 lines.
        var groups = Math.Max(1, (lines - 50) / 20);
        for (var g = 0; g < groups; g++)
        {
            var (unit, loinc, low, high) = Kinds[g % Kinds.Length];
            var (lowThreshold, highThreshold, lowValue) = (low + ((high - low) * 0.25), low + ((high - low) * 0.75), low + ((high - low) * 0.1));
            text.Append(CultureInfo.InvariantCulture, $"observation obs-{g} \"Observation {g}\" {{\n  loinc {loinc}\n  unit {unit}\n  within 4 h\n  range {low} {unit} to {high} {unit}\n}}\n");
            text.Append(CultureInfo.InvariantCulture, $"hold rule obs-{g}-low \"Observation {g} low\" {{\n  when obs-{g} < {lowThreshold} {unit}\n  cite ref-{g % references} \"row {g}\"\n}}\n");
            text.Append(CultureInfo.InvariantCulture, $"hold rule obs-{g}-high \"Observation {g} high\" {{\n  when obs-{g} > {highThreshold} {unit}\n  cite ref-{(g + 1) % references} \"row {g}\"\n}}\n");
            text.Append(CultureInfo.InvariantCulture, $"scenario \"observation {g} low holds\" {{\n  obs-{g} {lowValue} {unit} 1 h ago\n  expect hold because obs-{g}-low\n}}\n\n");
        }

        return text.ToString();
    }
}
