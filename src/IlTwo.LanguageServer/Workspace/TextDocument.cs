using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>An open document: an immutable snapshot of its text at one version.</summary>
public sealed record TextDocument(Uri Uri, string LanguageId, int Version, string Text)
{
    /// <summary>Applies LSP content changes in order: a change with a range replaces it, one without is the whole text.</summary>
    public TextDocument WithChanges(int version, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        var text = Text;
        foreach (var change in changes)
        {
            text = Apply(text, change);
        }

        return this with { Version = version, Text = text };
    }

    internal static string Apply(string text, TextDocumentContentChangeEvent change)
    {
        if (change.Range is null)
        {
            return change.Text;
        }

        var map = LineMap.Create(text);
        int start = map.ToOffset(change.Range.Start);
        int end = map.ToOffset(change.Range.End);
        if (end < start)
        {
            (start, end) = (end, start);
        }

        return string.Concat(text.AsSpan(0, start), change.Text, text.AsSpan(end));
    }
}
