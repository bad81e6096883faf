using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// The one seam between the server and the compiler: the diagnostics for one document's text.
/// Today <see cref="SyntaxDocumentAnalyzer"/> parses only; the semantic model will implement this later.
/// Called off the message loop; may be called concurrently for different documents.
/// </summary>
public interface IDocumentAnalyzer
{
    ImmutableArray<Diagnostic> Analyze(Uri uri, string text);
}
