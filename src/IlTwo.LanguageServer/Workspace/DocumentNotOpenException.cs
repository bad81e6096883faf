namespace IlTwo.LanguageServer.Workspace;

/// <summary>A request named a document the client has not opened; the server answers it with -32602 InvalidParams.</summary>
public sealed class DocumentNotOpenException : Exception
{
    public DocumentNotOpenException(Uri uri)
        : base($"The document '{uri.OriginalString}' is not open: send textDocument/didOpen first.")
    {
        Uri = uri;
    }

    public Uri Uri { get; }
}
