using System.Diagnostics.CodeAnalysis;
using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// The documents the client has open, keyed by URI exactly as the client spelled it (clients send the same string
/// for a document every time; normalising would risk answering about a URI the client does not recognise).
/// Thread-safe: handlers change it, diagnostics read snapshots from any thread.
/// </summary>
public sealed class DocumentStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, TextDocument> _documents = new(StringComparer.Ordinal);

    public TextDocument Open(TextDocumentItem item)
    {
        var document = new TextDocument(item.Uri, item.LanguageId, item.Version, item.Text);
        lock (_lock)
        {
            _documents[item.Uri.OriginalString] = document;
        }

        return document;
    }

    /// <exception cref="DocumentNotOpenException">The document is not open.</exception>
    public TextDocument Change(VersionedTextDocumentIdentifier identifier, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        lock (_lock)
        {
            var key = identifier.Uri.OriginalString;
            if (!_documents.TryGetValue(key, out var current))
            {
                throw new DocumentNotOpenException(identifier.Uri);
            }

            var changed = current.WithChanges(identifier.Version, changes);
            _documents[key] = changed;
            return changed;
        }
    }

    public bool Close(Uri uri)
    {
        lock (_lock)
        {
            return _documents.Remove(uri.OriginalString);
        }
    }

    public bool TryGet(Uri uri, [NotNullWhen(true)] out TextDocument? document)
    {
        lock (_lock)
        {
            return _documents.TryGetValue(uri.OriginalString, out document);
        }
    }

    /// <exception cref="DocumentNotOpenException">The document is not open.</exception>
    public TextDocument Get(Uri uri) => TryGet(uri, out var document) ? document : throw new DocumentNotOpenException(uri);

    public IReadOnlyList<TextDocument> Snapshot()
    {
        lock (_lock)
        {
            return [.. _documents.Values];
        }
    }
}
