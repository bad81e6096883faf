using IlTwo.Dsl.Text;
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

        // One line map for the whole server: the compiler's. Out-of-range positions clamp (a character past the end of
        // its line is the end of that line, a line past the last is the end of the text), as LSP clients expect.
        var source = SourceText.From(text);
        int start = source.GetOffset(new LinePosition(change.Range.Start.Line, change.Range.Start.Character));
        int end = source.GetOffset(new LinePosition(change.Range.End.Line, change.Range.End.Character));
        if (end < start)
        {
            (start, end) = (end, start);
        }

        return string.Concat(text.AsSpan(0, start), change.Text, text.AsSpan(end));
    }
}
