using System.Text.Json;
using System.Text.Json.Serialization;

namespace IlTwo.Runtime.Protocols;

/// <summary>
/// The JSON form of <see cref="ProtocolInfo"/>. A compiled protocol carries its description as one JSON string
/// literal, so nothing a protocol author wrote ever becomes code.
/// </summary>
public static class ProtocolInfoJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(ProtocolInfo info) => JsonSerializer.Serialize(info, Options);

    public static ProtocolInfo Deserialize(string json) =>
        JsonSerializer.Deserialize<ProtocolInfo>(json, Options) ?? throw new JsonException("empty protocol description");
}
