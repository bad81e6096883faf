using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IlTwo.Runtime.Approvals;

/// <summary>
/// The signatures recorded beside the protocols (<c>approvals.json</c>): a JSON array of entries, sorted (protocol id,
/// version, time signed, role, approver), indented, with a fixed key order and a final newline, so that a git diff
/// of it reads as "who signed what".
/// </summary>
public sealed class ApprovalsFile
{
    public const string DefaultFileName = "approvals.json";

    private static readonly string[] Keys = ["protocolId", "version", "canonicalHash", "approver", "role", "at", "effective", "reviewBy", "note"];

    public ApprovalsFile(IEnumerable<ApprovalEntry> entries) => Entries = Sort(entries);

    public static ApprovalsFile Empty { get; } = new([]);

    /// <summary>Sorted as they are written.</summary>
    public ImmutableArray<ApprovalEntry> Entries { get; }

    public ApprovalsFile Add(ApprovalEntry entry) => new(Entries.Add(entry));

    public IEnumerable<ApprovalEntry> For(string protocolId, string version) =>
        Entries.Where(e => e.ProtocolId == protocolId && e.Version == version);

    // ------------------------------------------------------------ reading

    /// <exception cref="ApprovalsFileException">the file is missing, unreadable or malformed (the message says where and why).</exception>
    public static ApprovalsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ApprovalsFileException(path, "no approvals file (nothing has been approved)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApprovalsFileException(path, $"cannot read the approvals file: {e.Message}", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new ApprovalsFileException(path, "the approvals file is not valid UTF-8", e);
        }
        return Parse(text, path);
    }

    /// <exception cref="ApprovalsFileException">the text is not a well-formed approvals document.</exception>
    public static ApprovalsFile Parse(string json, string path = DefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new ApprovalsFileException(path, $"not valid JSON{where}: {FirstSentence(e.Message)}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
                throw new ApprovalsFileException(path, $"expected a JSON array of approvals, found {Describe(root.ValueKind)}");
            var entries = new List<ApprovalEntry>();
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                entries.Add(ReadEntry(element, path, index));
                index++;
            }
            return new ApprovalsFile(entries);
        }
    }

    private static ApprovalEntry ReadEntry(JsonElement element, string path, int index)
    {
        var where = $"approval [{index}]";
        if (element.ValueKind != JsonValueKind.Object)
            throw new ApprovalsFileException(path, $"{where}: expected an object, found {Describe(element.ValueKind)}");
        foreach (var property in element.EnumerateObject())
        {
            if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                throw new ApprovalsFileException(path, $"{where}: unknown field '{property.Name}' (expected {string.Join(", ", Keys)})");
        }

        string Required(string key)
        {
            if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
                throw new ApprovalsFileException(path, $"{where}: '{key}' is missing");
            if (value.ValueKind != JsonValueKind.String)
                throw new ApprovalsFileException(path, $"{where}: '{key}' must be a string, found {Describe(value.ValueKind)}");
            var text = value.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
                throw new ApprovalsFileException(path, $"{where}: '{key}' is empty");
            return text;
        }

        DateOnly Date(string key)
        {
            var text = Required(key);
            return ApprovalEntry.TryParseDate(text, out var date)
                ? date
                : throw new ApprovalsFileException(path, $"{where}: '{key}' is \"{text}\", not a date yyyy-MM-dd");
        }

        var roleText = Required("role");
        if (!ApprovalEntry.TryParseRole(roleText, out var role))
            throw new ApprovalsFileException(path, $"{where}: 'role' is \"{roleText}\"; expected \"pharmacist\" or \"physician\"");
        var atText = Required("at");
        if (!DateTimeOffset.TryParseExact(atText, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw new ApprovalsFileException(path, $"{where}: 'at' is \"{atText}\", not a UTC time yyyy-MM-ddTHH:mm:ssZ");
        var hash = Required("canonicalHash");
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ApprovalsFileException(path, $"{where}: 'canonicalHash' must be 64 lowercase hex digits (SHA-256)");

        string? note = null;
        if (element.TryGetProperty("note", out var noteValue) && noteValue.ValueKind != JsonValueKind.Null)
        {
            note = noteValue.ValueKind == JsonValueKind.String
                ? noteValue.GetString()
                : throw new ApprovalsFileException(path, $"{where}: 'note' must be a string, found {Describe(noteValue.ValueKind)}");
        }

        var entry = new ApprovalEntry
        {
            ProtocolId = Required("protocolId"),
            Version = Required("version"),
            CanonicalHash = hash,
            Approver = Required("approver"),
            Role = role,
            At = at,
            Effective = Date("effective"),
            ReviewBy = Date("reviewBy"),
            Note = note,
        };
        if (entry.ReviewBy <= entry.Effective)
            throw new ApprovalsFileException(path, $"{where}: 'reviewBy' ({ApprovalEntry.FormatDate(entry.ReviewBy)}) must be after 'effective' ({ApprovalEntry.FormatDate(entry.Effective)})");
        return entry;
    }

    // ------------------------------------------------------------ writing

    /// <summary>The file's text: indented with two spaces, '\n' line ends, fixed key order, a final newline.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartArray();
            foreach (var entry in Entries)
            {
                writer.WriteStartObject();
                writer.WriteString("protocolId", entry.ProtocolId);
                writer.WriteString("version", entry.Version);
                writer.WriteString("canonicalHash", entry.CanonicalHash);
                writer.WriteString("approver", entry.Approver);
                writer.WriteString("role", ApprovalEntry.RoleName(entry.Role));
                writer.WriteString("at", entry.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                writer.WriteString("effective", ApprovalEntry.FormatDate(entry.Effective));
                writer.WriteString("reviewBy", ApprovalEntry.FormatDate(entry.ReviewBy));
                if (entry.Note is { } note)
                    writer.WriteString("note", note);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes <see cref="ToJson"/> to a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, ToJson(), new UTF8Encoding(false));
        try
        {
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static ImmutableArray<ApprovalEntry> Sort(IEnumerable<ApprovalEntry> entries) =>
        [.. entries
            .OrderBy(e => e.ProtocolId, StringComparer.Ordinal)
            .ThenBy(e => e.Version, StringComparer.Ordinal)
            .ThenBy(e => e.At)
            .ThenBy(e => e.Role)
            .ThenBy(e => e.Approver, StringComparer.Ordinal)];

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
