using System.Collections.Immutable;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>Collects diagnostics for one source text. Every stage reports here; nothing is thrown.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public DiagnosticBag(SourceText source) => Source = source;

    public SourceText Source { get; }

    public int Count => _items.Count;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, string message, DiagnosticFix? fix = null) =>
        _items.Add(new Diagnostic(descriptor, Source, span, message, fix));

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public ImmutableArray<Diagnostic> ToImmutable() => [.. _items];
}
