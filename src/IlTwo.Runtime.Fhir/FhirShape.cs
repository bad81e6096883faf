using System.Collections.Immutable;
using System.Text.Json;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// The checks made on the raw JSON before the FHIR SDK sees it, so that a malformed bundle is a located error and never an
/// exception: the text must be JSON (not truncated) nested at most <see cref="MaxDepth"/> deep, and the bundle's skeleton
/// must have the types FHIR gives it (<c>resourceType</c> a string, <c>entry</c> an array of objects, <c>fullUrl</c> a
/// string, <c>resource</c> an object with a string <c>resourceType</c>). Paths are JSON paths (<c>$.entry[3].fullUrl</c>).
/// </summary>
internal static class FhirShape
{
    /// <summary>Deep enough for any real bundle (extensions nest a few levels); far below what could exhaust the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>False after reporting why the text cannot be read as a bundle (each issue an error with a <see cref="RecordIssue.Kind"/>).</summary>
    public static bool Check(ReadOnlyMemory<byte> utf8, ImmutableArray<RecordIssue>.Builder issues)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            var deep = e.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? $"the JSON is nested deeper than {MaxDepth} levels"
                : e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            issues.Add(Malformed(RecordIssueKinds.MalformedJson, "$", $"malformed FHIR bundle: {deep}{where}"));
            return false;
        }
        using (document)
        {
            var before = issues.Count;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                issues.Add(Malformed(RecordIssueKinds.WrongType, "$", $"expected a FHIR Bundle (a JSON object), got {Describe(root)}"));
                return false;
            }
            if (!root.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
            {
                issues.Add(Malformed(RecordIssueKinds.WrongType, "$.resourceType", type.ValueKind == JsonValueKind.Undefined
                    ? "no resourceType; expected \"Bundle\"" : $"expected the string \"Bundle\", got {Describe(type)}"));
                return false;
            }
            if (type.GetString() != "Bundle")
            {
                issues.Add(Malformed(RecordIssueKinds.WrongType, "$.resourceType", $"expected a Bundle, got a {type.GetString()}"));
                return false;
            }
            if (root.TryGetProperty("entry", out var entries))
            {
                if (entries.ValueKind != JsonValueKind.Array)
                {
                    issues.Add(Malformed(RecordIssueKinds.WrongType, "$.entry", $"expected an array of entries, got {Describe(entries)}"));
                    return false;
                }
                var index = 0;
                foreach (var entry in entries.EnumerateArray())
                {
                    CheckEntry(entry, $"$.entry[{index++}]", issues);
                }
            }
            return issues.Count == before;
        }
    }

    private static void CheckEntry(JsonElement entry, string path, ImmutableArray<RecordIssue>.Builder issues)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            issues.Add(Malformed(RecordIssueKinds.WrongType, path, $"expected an entry object, got {Describe(entry)}"));
            return;
        }
        if (entry.TryGetProperty("fullUrl", out var url) && url.ValueKind != JsonValueKind.String)
        {
            issues.Add(Malformed(RecordIssueKinds.WrongType, path + ".fullUrl", $"expected a string (a URI), got {Describe(url)}"));
        }

        if (!entry.TryGetProperty("resource", out var resource))
        {
            return;
        }

        if (resource.ValueKind != JsonValueKind.Object)
        {
            issues.Add(Malformed(RecordIssueKinds.WrongType, path + ".resource", $"expected a resource object, got {Describe(resource)}"));
            return;
        }
        if (!resource.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() is not { Length: > 0 })
        {
            issues.Add(Malformed(RecordIssueKinds.WrongType, path + ".resource.resourceType", $"expected the resource type as a string, got {(type.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(type))}"));
        }
    }

    public static RecordIssue Malformed(string kind, string path, string message) => new(path, message, true) { Kind = kind };

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{e.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
