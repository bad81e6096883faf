using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// The one seam between the diagnostics scheduler and the compiler: the diagnostics of one document snapshot, in one
/// or more rounds. Each round is complete and replaces the one before (the workspace yields the bound diagnostics
/// first, then those with the analysis warnings). Called off the message loop; may run concurrently for different documents.
/// </summary>
public interface IDocumentAnalyzer
{
    IEnumerable<ImmutableArray<Diagnostic>> Analyze(TextDocument document, CancellationToken cancellationToken);
}
