using System.Text;
using System.Text.Json;

namespace IlTwo.Runtime.Approvals;

/// <summary>
/// JSON as the trust layer reads it: UTF-8, no comments, no trailing commas, and a duplicate key anywhere is an error
/// (never "the last one wins"); objects may carry only the keys a reader names.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
    };

    /// <exception cref="TrustException">not valid JSON, or a duplicate key.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(utf8.Span);
            return JsonDocument.Parse(utf8, Options);
        }
        catch (DecoderFallbackException e)
        {
            throw new TrustException(TrustCodes.Malformed, $"{what} is not valid UTF-8", e);
        }
        catch (JsonException e)
        {
            var duplicate = e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? " (a key appears twice)" : "";
            throw new TrustException(TrustCodes.Malformed, $"{what} is not valid JSON{duplicate}: {e.Message}", e);
        }
    }

    public static JsonDocument Parse(string text, string what) => Parse(Encoding.UTF8.GetBytes(text), what);

    /// <summary>The object's keys must all be in <paramref name="allowed"/>.</summary>
    public static JsonElement Object(JsonElement element, string what, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TrustException(TrustCodes.Malformed, $"{what} must be a JSON object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new TrustException(TrustCodes.Malformed, $"{what} has an unknown key '{property.Name}' (allowed: {string.Join(", ", allowed)})");
            }
        }
        return element;
    }

    public static string String(JsonElement obj, string key, string what)
    {
        if (!obj.TryGetProperty(key, out var value))
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: '{key}' is missing");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: '{key}' must be a string");
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: '{key}' is empty");
        }

        return text;
    }

    public static string? OptionalString(JsonElement obj, string key, string what) =>
        obj.TryGetProperty(key, out _) ? String(obj, key, what) : null;

    public static DateOnly Date(JsonElement obj, string key, string what)
    {
        var text = String(obj, key, what);
        return ApprovalEntry.TryParseDate(text, out var date)
            ? date
            : throw new TrustException(TrustCodes.Malformed, $"{what}: '{key}' is \"{text}\", not a date yyyy-MM-dd");
    }

    public static string Hex64(JsonElement obj, string key, string what)
    {
        var text = String(obj, key, what);
        return text.Length == 64 && text.All(char.IsAsciiHexDigitLower)
            ? text
            : throw new TrustException(TrustCodes.Malformed, $"{what}: '{key}' must be 64 lowercase hex digits (SHA-256)");
    }
}
