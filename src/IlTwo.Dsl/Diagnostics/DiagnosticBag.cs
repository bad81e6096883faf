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

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, DiagnosticFix? fix, params object?[] arguments) =>
        _items.Add(new Diagnostic(descriptor, Source, span, descriptor.FormatMessage(arguments), fix));

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] arguments) => Report(descriptor, span, null, arguments);

    /// <summary>"; did you mean 'x'?" for the closest candidate within a third of the name's length, or "".</summary>
    internal static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var best = Levenshtein.Closest(name, candidates, Math.Max(1, name.Length / 3));
        return best is null ? "" : $"; did you mean '{best}'?";
    }
}
