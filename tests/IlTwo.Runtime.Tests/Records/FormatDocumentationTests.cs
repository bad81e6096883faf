using System.Text.Json;
using System.Text.RegularExpressions;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Records;

/// <summary>Keeps docs/patient.schema.json and docs/patient-json.md in step with what the reader accepts.</summary>
public sealed class FormatDocumentationTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"IlTwo.Dsl.sln not found above {AppContext.BaseDirectory}");
    }

    private static JsonElement Schema()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "docs", "patient.schema.json")));
        return document.RootElement.Clone();
    }

    private static string Markdown() => File.ReadAllText(Path.Combine(RepoRoot, "docs", "patient-json.md"));

    public static TheoryData<string> ObjectKinds() => [.. PatientJsonFields.ByObjectKind.Keys];

    [Theory]
    [MemberData(nameof(ObjectKinds))]
    public void Schema_lists_exactly_the_properties_the_reader_accepts(string kind)
    {
        var schema = Schema();
        var node = kind.Length == 0 ? schema : schema.GetProperty("$defs").GetProperty(kind);

        var documented = node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(PatientJsonFields.ByObjectKind[kind].Order(StringComparer.Ordinal), documented);
        Assert.False(node.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Every_accepted_property_name_appears_in_the_schema()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "properties" && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        names.UnionWith(property.Value.EnumerateObject().Select(p => p.Name));
                    }

                    Collect(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item);
                }
            }
        }

        Collect(Schema());

        Assert.All(PatientJsonFields.ByObjectKind.Values.SelectMany(v => v), name => Assert.Contains(name, names));
    }

    [Fact]
    public void Schema_status_enum_matches_the_reader()
    {
        var statuses = Schema().GetProperty("$defs").GetProperty("dose").GetProperty("properties").GetProperty("status")
            .GetProperty("enum").EnumerateArray().Select(e => e.GetString());

        Assert.Equal([PatientJsonFields.StatusGiven, PatientJsonFields.StatusHeld, PatientJsonFields.StatusNotGiven, PatientJsonFields.StatusInProgress], statuses);
    }

    [Fact]
    public void Schema_requires_the_three_arrays()
    {
        var required = Schema().GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(["doses", "events", "observations"], required);
    }

    [Fact]
    public void Every_accepted_property_name_is_documented_in_the_guide()
    {
        var markdown = Markdown();

        Assert.All(
            PatientJsonFields.ByObjectKind.Values.SelectMany(v => v).Distinct(),
            name => Assert.Contains($"`{name}`", markdown, StringComparison.Ordinal));
    }

    [Fact]
    public void The_guide_example_reads_without_issues()
    {
        var example = Regex.Match(Markdown(), "```json\n(.*?)```", RegexOptions.Singleline);
        Assert.True(example.Success, "no ```json block in docs/patient-json.md");

        var result = PatientJsonReader.Read(example.Groups[1].Value);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.Issues);
    }
}
