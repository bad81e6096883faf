using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Revisions;

/// <summary>A protocol source that could not be read (git missing, unknown revision or path).</summary>
public sealed class ProtocolSourceException(string message) : Exception(message);

/// <summary>
/// Protocol files as they were at one revision, and the protocols they extend or claim against from that same
/// revision. The comparison and the hosts read old versions through this; only the implementation runs git.
/// </summary>
public interface IProtocolRevisionSource : IProtocolSourceResolver
{
    /// <summary>The file at this revision; throws <see cref="ProtocolSourceException"/> with a readable message.</summary>
    SourceText Read(string path);
}

/// <summary>Opens revision sources; the one place that picks the git implementation.</summary>
public static class ProtocolRevisions
{
    /// <summary>
    /// The files at <paramref name="revision"/> of the repository around <paramref name="workingDirectory"/> (default:
    /// the current directory); throws <see cref="ProtocolSourceException"/> when the text cannot be a revision name.
    /// </summary>
    public static IProtocolRevisionSource Open(string revision, string? workingDirectory = null) => new GitProtocolSource(revision, workingDirectory);

    /// <summary>Splits <c>REV:path</c>; null when the text has no revision part.</summary>
    public static (string Revision, string Path)? Parse(string spec) => GitProtocolSource.Parse(spec);
}
