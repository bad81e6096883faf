using System.Text.Json;
using System.Text.Json.Serialization;
using IlTwo.Dsl.Lowering;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Tests.Emit;

/// <summary>
/// The description a compiled protocol carries is written and read through source-generated metadata; it must be the
/// JSON the reflection-based serializer with the same options writes (assemblies built before keep loading), and read
/// back to the same description.
/// </summary>
public sealed class ProtocolInfoJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    [Theory]
    [MemberData(nameof(TestProtocols.EngineProtocols), MemberType = typeof(TestProtocols))]
    public void The_description_is_written_and_read_as_the_reflection_serializer_does(string path)
    {
        var compilation = TestProtocols.Compile(path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var info = ProtocolInfoBuilder.Build(compilation);

        var json = ProtocolInfoJson.Serialize(info);
        Assert.Equal(JsonSerializer.Serialize(info, Reflection), json);

        var read = ProtocolInfoJson.Deserialize(json);
        Assert.Equal(json, JsonSerializer.Serialize(read, Reflection));
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<ProtocolInfo>(json, Reflection), Reflection));
        Assert.Equal(info.Rules.Length, read.Rules.Length);
        Assert.Contains("\"rules\":", json, StringComparison.Ordinal);
    }
}
