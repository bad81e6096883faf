using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using DslSymbolKind = IlTwo.Dsl.Binding.SymbolKind;

namespace IlTwo.LanguageServer.Features;

/// <summary>
/// Finds a symbol's occurrences across the files that can see it: the chain of the document asked about and every
/// open document whose chain includes the declaring protocol. Symbols match by kind, name and declaring protocol
/// (an override counts as the rule or observation it replaces), so compilations built at different times still agree.
/// </summary>
internal static class SymbolSearch
{
    public readonly record struct SymbolKey(DslSymbolKind Kind, string Name, string ProtocolId);

    public static SymbolKey KeyOf(Symbol symbol)
    {
        if (symbol is RuleSymbol rule)
        {
            while (rule.Overrides is { } replaced)
            {
                rule = replaced;
            }

            return new SymbolKey(DslSymbolKind.Rule, rule.Name, rule.ProtocolId);
        }

        // An `override observation` is the observation it tightens: its uses reach the base declaration and back.
        if (symbol is ObservationSymbol observation)
        {
            return new SymbolKey(observation.Kind, observation.Root.Name, observation.Root.ProtocolId);
        }

        return new SymbolKey(symbol.Kind, symbol.Name, symbol.ProtocolId);
    }

    /// <summary>The occurrence under the cursor (a cursor right after a name is on it).</summary>
    public static SymbolOccurrence? OccurrenceAt(ProtocolCompilation compilation, int offset)
    {
        foreach (var occurrence in compilation.Protocol.Occurrences)
        {
            if (occurrence.Span.Touches(offset))
            {
                return occurrence;
            }

            if (occurrence.Span.Start > offset)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>One compilation per file that may mention the symbol, each file once (an open document's own compilation preferred).</summary>
    public static IEnumerable<ProtocolCompilation> RelatedFiles(ProtocolWorkspace workspace, CompiledDocument document, SymbolKey key)
    {
        var files = new Dictionary<string, ProtocolCompilation>(StringComparer.Ordinal);
        var open = workspace.OpenCompilations().ToList();
        foreach (var (_, compilation) in open)
        {
            files[ProtocolWorkspace.NormalizePath(compilation.Text.Path)] = compilation;
        }

        var result = new Dictionary<string, ProtocolCompilation>(StringComparer.Ordinal);
        void Add(ProtocolCompilation compilation)
        {
            var path = ProtocolWorkspace.NormalizePath(compilation.Text.Path);
            result.TryAdd(path, files.GetValueOrDefault(path) ?? compilation);
        }

        foreach (var file in document.Compilation.Chain)
        {
            Add(file);
        }

        foreach (var (_, compilation) in open)
        {
            if (compilation.Chain.Any(c => c.Protocol.Id == key.ProtocolId))
            {
                foreach (var file in compilation.Chain)
                {
                    Add(file);
                }
            }
        }

        return result.Values;
    }

    public static IEnumerable<Location> FindOccurrences(ProtocolWorkspace workspace, CompiledDocument document, Symbol symbol, bool includeDeclaration)
    {
        var key = KeyOf(symbol);
        foreach (var file in RelatedFiles(workspace, document, key))
        {
            var uri = workspace.UriFor(file.Text);
            foreach (var occurrence in file.Protocol.Occurrences)
            {
                if ((includeDeclaration || !occurrence.IsDeclaration) && KeyOf(occurrence.Symbol) == key)
                {
                    yield return new Location(uri, CompiledDocument.ToRange(file.Text, occurrence.Span));
                }
            }
        }
    }
}
