using System.Text.Json;
using System.Text.Json.Serialization;

namespace IlTwo.Runtime.Protocols;

/// <summary>
/// The JSON form of <see cref="ProtocolInfo"/>. A compiled protocol carries its description as one JSON string
/// literal, so nothing a protocol author wrote ever becomes code.
/// </summary>
/// <remarks>
/// Read through source-generated metadata: every load of a compiled protocol reads this description, and building the
/// serializer's metadata by reflection cost a short-lived process (il2 eval, il2 test) tens of milliseconds.
/// </remarks>
public static class ProtocolInfoJson
{
    private static readonly ProtocolInfoJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    });

    public static string Serialize(ProtocolInfo info) => JsonSerializer.Serialize(info, Context.ProtocolInfo);

    public static ProtocolInfo Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Context.ProtocolInfo) ?? throw new JsonException("empty protocol description");
}

[JsonSerializable(typeof(ProtocolInfo))]
internal sealed partial class ProtocolInfoJsonContext : JsonSerializerContext;
