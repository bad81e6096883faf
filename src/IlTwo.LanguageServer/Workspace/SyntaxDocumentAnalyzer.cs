using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>Syntax diagnostics only, from <see cref="SyntaxTree.Parse(string, string)"/>.</summary>
public sealed class SyntaxDocumentAnalyzer : IDocumentAnalyzer
{
    public ImmutableArray<Diagnostic> Analyze(Uri uri, string text) => SyntaxTree.Parse(text, PathOf(uri)).Diagnostics;

    internal static string PathOf(Uri uri) => uri.IsAbsoluteUri && uri.IsFile ? uri.LocalPath : uri.OriginalString;
}
