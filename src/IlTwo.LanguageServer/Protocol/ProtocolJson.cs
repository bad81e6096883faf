using System.Text.Json;
using System.Text.Json.Serialization;

namespace IlTwo.LanguageServer.Protocol;

/// <summary>The one set of JSON options for LSP payloads: camelCase, nulls left out, required members enforced.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions CreateOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 256,
    };
}
