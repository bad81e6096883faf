namespace IlTwo.LanguageServer.Protocol;

public enum SignatureHelpTriggerKind
{
    Invoked = 1,
    TriggerCharacter = 2,
    ContentChange = 3,
}

public sealed record SignatureHelpContext(SignatureHelpTriggerKind TriggerKind, bool IsRetrigger, string? TriggerCharacter = null);

public sealed record SignatureHelpParams(TextDocumentIdentifier TextDocument, Position Position, SignatureHelpContext? Context = null);

public sealed record ParameterInformation(string Label, MarkupContent? Documentation = null);

public sealed record SignatureInformation(string Label, MarkupContent? Documentation = null, IReadOnlyList<ParameterInformation>? Parameters = null);

public sealed record SignatureHelp(IReadOnlyList<SignatureInformation> Signatures, int? ActiveSignature = null, int? ActiveParameter = null);
