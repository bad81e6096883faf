using System.Collections.Immutable;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// Collects diagnostics for one source text. Every stage reports here, through one typed method per code
/// (DiagnosticBag.Reports.cs) that fills the code's message template from <see cref="DiagnosticCatalog"/>; nothing is thrown.
/// </summary>
public sealed partial class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public DiagnosticBag(SourceText source) => Source = source;

    public SourceText Source { get; }

    public int Count => _items.Count;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public ImmutableArray<Diagnostic> ToImmutable() => [.. _items];

    /// <summary>The diagnostics reported since the bag held <paramref name="count"/>.</summary>
    internal ImmutableArray<Diagnostic> Since(int count) => count == _items.Count ? [] : [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_items)[count..]];

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, ImmutableArray<DiagnosticFix> fixes, params object?[] arguments) =>
        _items.Add(new Diagnostic(descriptor, Source, span, descriptor.FormatMessage(arguments), fixes));

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, DiagnosticFix? fix, params object?[] arguments) =>
        Report(descriptor, span, fix is null ? [] : [fix], arguments);

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] arguments) => Report(descriptor, span, [], arguments);

    /// <summary>"; did you mean 'x'?" for the closest candidate within a third of the name's length, or "".</summary>
    internal static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } best ? $"; did you mean '{best}'?" : "";

    /// <summary>The did-you-mean candidate of <see cref="DidYouMean"/>, or null.</summary>
    internal static string? Closest(string name, IEnumerable<string> candidates) =>
        Levenshtein.Closest(name, candidates, Math.Max(1, name.Length / 3));

    /// <summary>A misspelt name reported with its did-you-mean: the message names the candidate and the fix writes it.</summary>
    private void ReportMisspelt(DiagnosticDescriptor descriptor, TextSpan span, string name, IEnumerable<string> candidates, Func<string, object?[]> arguments)
    {
        var best = Closest(name, candidates);
        var suggestion = best is null ? "" : $"; did you mean '{best}'?";
        Report(descriptor, span, best is null ? [] : [new DiagnosticFix($"Change to '{best}'", span, best)], arguments(suggestion));
    }

    /// <summary>
    /// An edit that adds <paramref name="line"/> as the last line inside the block <paramref name="block"/> (which ends
    /// with <c>}</c>), indented like the block's first item; null when the block has no opening or closing brace
    /// (a block the parser recovered from).
    /// </summary>
    internal DiagnosticFix? AddLineToBlock(string title, TextSpan block, string line, bool isPreferred)
    {
        var text = Source.Text;
        var close = block.End - 1;
        if (close < 0 || close >= text.Length || text[close] != '}')
        {
            return null;
        }

        var open = text.IndexOf('{', block.Start, close - block.Start);
        if (open < 0)
        {
            return null;
        }

        var closeLineStart = text.LastIndexOf('\n', Math.Max(0, close - 1)) + 1;
        var closeOnOwnLine = closeLineStart > open && string.IsNullOrWhiteSpace(text[closeLineStart..close]);
        if (!closeOnOwnLine)
        {
            return new DiagnosticFix(title, new TextSpan(close, 0), line + " ", isPreferred);
        }

        var indent = "  ";
        var firstItem = text.IndexOf('\n', open) + 1;
        if (firstItem > 0 && firstItem < closeLineStart)
        {
            var end = firstItem;
            while (end < text.Length && text[end] is ' ' or '\t')
            {
                end++;
            }

            indent = text[firstItem..end];
        }

        return new DiagnosticFix(title, new TextSpan(closeLineStart, 0), indent + line + "\n", isPreferred);
    }
}
