using System.Text.Json;

namespace IlTwo.LanguageServer.Protocol;

public enum MessageType
{
    Error = 1,
    Warning = 2,
    Info = 3,
    Log = 4,
    Debug = 5,
}

public sealed record LogMessageParams(MessageType Type, string Message);

public sealed record ShowMessageParams(MessageType Type, string Message);

/// <summary><c>$/cancelRequest</c>: the id is <c>integer | string</c>, kept raw.</summary>
public sealed record CancelParams(JsonElement Id);
