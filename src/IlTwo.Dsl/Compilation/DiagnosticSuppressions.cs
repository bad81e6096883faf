using System.Text.RegularExpressions;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Compilation;

/// <summary>
/// Comments that silence warnings a reviewer has looked at: <c>// il2-disable-next-line IL0304</c> for the next line,
/// <c>// il2-disable IL0304</c> for the whole file. Errors cannot be silenced: a protocol with an error never runs.
/// </summary>
public static partial class DiagnosticSuppressions
{
    [GeneratedRegex(@"^//\s*il2-disable(?<next>-next-line)?\s+(?<codes>IL\d{4}(\s*,\s*IL\d{4})*)\s*$")]
    private static partial Regex Directive();

    public static IEnumerable<Diagnostic> Apply(SyntaxTree tree, IEnumerable<Diagnostic> diagnostics)
    {
        var wholeFile = new HashSet<string>(StringComparer.Ordinal);
        var byLine = new Dictionary<int, HashSet<string>>();
        foreach (var token in tree.Tokens.Where(t => t.Kind == TokenKind.Comment))
        {
            var match = Directive().Match(token.Text.Trim());
            if (!match.Success)
            {
                continue;
            }

            var codes = match.Groups["codes"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (match.Groups["next"].Success)
            {
                var line = tree.Text.GetLinePosition(token.Span.Start).Line + 1;
                if (!byLine.TryGetValue(line, out var set))
                {
                    byLine[line] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(codes);
            }
            else
            {
                wholeFile.UnionWith(codes);
            }
        }
        if (wholeFile.Count == 0 && byLine.Count == 0)
        {
            return diagnostics;
        }

        return diagnostics.Where(d => d.IsError || !(wholeFile.Contains(d.Code) || (byLine.TryGetValue(d.Start.Line, out var codes) && codes.Contains(d.Code))));
    }
}
