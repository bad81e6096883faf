using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using F = IlTwo.Runtime.Records.PatientJsonFields;

namespace IlTwo.Runtime.Records;

/// <summary>
/// Reads the patient JSON format (docs/patient-json.md). Bad input never throws: every problem becomes a
/// <see cref="RecordIssue"/> with a JSON path, all problems are collected, and the record is null if any is an error.
/// The only exception thrown is <see cref="ArgumentNullException"/> for a null argument (a caller bug, not bad data).
/// </summary>
public static class PatientJsonReader
{
    /// <summary>Nesting limit for JsonDocument; the format itself needs 4 levels.</summary>
    public const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static RecordReadResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException ex)
        {
            // Encoding.UTF8 would silently substitute U+FFFD; an unpaired surrogate is corrupt input.
            return Failed($"the text contains an unpaired UTF-16 surrogate at character {ex.Index}");
        }

        return ReadUtf8(bytes);
    }

    public static RecordReadResult Read(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            utf8Json.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return Failed($"could not read the input stream: {ex.Message}");
        }

        return ReadUtf8(bytes);
    }

    /// <summary>Reads a file; I/O problems become an issue with Path "" naming the file.</summary>
    public static RecordReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Failed($"could not read file {JsonText.Quote(path)}: {ex.Message}");
        }

        return ReadUtf8(bytes);
    }

    private static RecordReadResult ReadUtf8(ReadOnlyMemory<byte> utf8)
    {
        // JsonDocument rejects a byte-order mark; editors on Windows still write one.
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        // JsonDocument defers UTF-8 checks to string access; check up front for one clear error.
        if (!Utf8.IsValid(utf8.Span))
        {
            return Failed($"the document is not valid UTF-8 (bad byte sequence at byte offset {FirstInvalidUtf8(utf8.Span)})");
        }

        if (utf8.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Failed("the document is empty; expected a JSON object");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions
            {
                MaxDepth = MaxDepth,
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
            });
        }
        catch (JsonException ex)
        {
            return Failed(DescribeSyntaxError(ex));
        }

        using (document)
        {
            var walker = new Walker();
            PatientRecord? record;
            try
            {
                record = walker.ReadRoot(document.RootElement);
            }
            catch (Exception ex) when (ex is InvalidOperationException or JsonException or FormatException or ArgumentException)
            {
                // Defensive: the walker checks kinds before access, but a reader must never throw on data.
                walker.Error("$", $"internal error while reading the record: {ex.Message}");
                record = null;
            }

            var issues = walker.Issues.ToImmutableArray();
            return new RecordReadResult(issues.Any(i => i.IsError) ? null : record, issues);
        }
    }

    private static RecordReadResult Failed(string message) =>
        new(null, [new RecordIssue("", message, IsError: true)]);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    private static string DescribeSyntaxError(JsonException ex)
    {
        // JsonException appends "LineNumber: n | BytePositionInLine: m." (0-based); restate it 1-based up front.
        var message = ex.Message;
        int suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message[..suffix];
        }

        var where = ex.LineNumber is { } line
            ? $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1} of that line"
            : "";
        return $"malformed JSON{where}: {message}";
    }

    /// <summary>Walks the parsed document, collecting issues instead of stopping at the first.</summary>
    private sealed class Walker
    {
        public List<RecordIssue> Issues { get; } = [];

        public void Error(string path, string message) => Issues.Add(new RecordIssue(path, message, IsError: true));

        private void Warn(string path, string message) => Issues.Add(new RecordIssue(path, message, IsError: false));

        public PatientRecord? ReadRoot(JsonElement root)
        {
            var props = Properties(root, "$", F.Root, "the patient record");
            if (props is null)
            {
                return null;
            }

            string? id = null;
            MeasuredValue? weight = null;
            if (Optional(props, F.Patient) is { } patient)
            {
                (id, weight) = ReadPatient(patient, Child("$", F.Patient));
            }

            var events = ReadArray(props, "$", F.Events, ReadEvent);
            var doses = ReadArray(props, "$", F.Doses, ReadDose);
            var observations = ReadArray(props, "$", F.Observations, ReadObservation);

            // Stable sort (OrderBy) keeps document order for equal times; DateTimeOffset compares instants. Each
            // observation keeps its place in the document (Source), so errors found later name the element of the file.
            return new PatientRecord(
                id,
                weight,
                [.. events.OrderBy(e => e.At)],
                [.. doses.OrderBy(d => d.At)],
                [.. observations.OrderBy(o => o.At)]);
        }

        private (string? Id, MeasuredValue? Weight) ReadPatient(JsonElement element, string path)
        {
            var props = Properties(element, path, F.PatientObject, "the patient");
            if (props is null)
            {
                return (null, null);
            }

            string? id = Optional(props, F.Id) is { } idElement
                ? NonEmptyString(idElement, Child(path, F.Id), "the patient id", trimmed: false)
                : null;
            MeasuredValue? weight = Optional(props, F.Weight) is { } w
                ? Quantity(w, Child(path, F.Weight), "weight")
                : null;
            return (id, weight);
        }

        private RecordedEvent? ReadEvent(JsonElement element, string path)
        {
            var props = Properties(element, path, F.Event, "an event", entry: true);
            if (props is null)
            {
                return null;
            }

            var type = Required(props, path, F.Type, "the event type, e.g. \"til-infusion\"") is { } t
                ? NonEmptyString(t, Child(path, F.Type), "the event type", trimmed: true)
                : null;
            var at = Timestamp(props, path);
            return type is not null && at is { } when ? new RecordedEvent(type, when) : null;
        }

        private const string Expected = "\"given\", \"held\", \"not-given\" or \"in-progress\"";

        private RecordedDose? ReadDose(JsonElement element, string path)
        {
            var props = Properties(element, path, F.Dose, "a dose", entry: true);
            if (props is null)
            {
                return null;
            }

            var at = Timestamp(props, path);
            DoseStatus? status = Required(props, path, F.Status, Expected) is { } s
                ? Status(s, Child(path, F.Status))
                : null;
            MeasuredValue? amount = Optional(props, F.Amount) is { } a
                ? Quantity(a, Child(path, F.Amount), "the dose amount")
                : null;
            string? note = null;
            if (Optional(props, F.Note) is { } n)
            {
                if (n.ValueKind == JsonValueKind.String)
                {
                    note = Text(n, Child(path, F.Note));
                }
                else
                {
                    Error(Child(path, F.Note), $"expected a string, got {Describe(n)}");
                }
            }

            // A bad amount or note is already an error, which discards the whole record.
            if (at is not { } when || status is not { } st)
            {
                return null;
            }
            // A dose that may be running keeps where it came from, so that the decision that holds on it can name it.
            return st == DoseStatus.MayBeRunning
                ? new RecordedDose(when, st, amount, note) { SourceStatus = F.StatusInProgress, Source = path }
                : new RecordedDose(when, st, amount, note);
        }

        private DoseStatus? Status(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Error(path, $"expected {Expected}, got {Describe(element)}");
                return null;
            }

            if (Text(element, path) is not { } text)
            {
                return null;
            }

            switch (text)
            {
                case F.StatusGiven: return DoseStatus.Given;
                case F.StatusHeld: return DoseStatus.Held;
                case F.StatusNotGiven: return DoseStatus.NotGiven;
                case F.StatusInProgress: return DoseStatus.MayBeRunning;
                case var other:
                    Error(path, $"unknown dose status {JsonText.Quote(other)}; expected {Expected} (lower case)");
                    return null;
            }
        }

        private RecordedObservation? ReadObservation(JsonElement element, string path)
        {
            var props = Properties(element, path, F.Observation, "an observation", entry: true);
            if (props is null)
            {
                return null;
            }

            var code = Required(props, path, F.Code, "a LOINC code or the observation's protocol name") is { } c
                ? NonEmptyString(c, Child(path, F.Code), "the observation code", trimmed: true)
                : null;
            var at = Timestamp(props, path);

            var valuePath = Child(path, F.Value);
            var unitPath = Child(path, F.Unit);
            var unitElement = Optional(props, F.Unit);
            if (Required(props, path, F.Value, "a number with a \"unit\", or true/false") is not { } value)
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.True or JsonValueKind.False:
                    if (unitElement is not null)
                    {
                        Error(unitPath, "a yes/no (true/false) observation must not have a unit");
                        return null;
                    }

                    return code is not null && at is { } flagAt
                        ? new RecordedObservation(code, flagAt, null, value.ValueKind == JsonValueKind.True, null) { Source = path }
                        : null;

                case JsonValueKind.Number:
                    var number = Number(value, valuePath);
                    string? unit = null;
                    if (unitElement is null)
                    {
                        Error(unitPath, "a numeric observation needs a \"unit\" (UCUM code, e.g. \"mm[Hg]\", \"Cel\", \"/min\")");
                    }
                    else
                    {
                        unit = NonEmptyString(unitElement.Value, unitPath, "the unit (a UCUM code)", trimmed: true);
                    }

                    return code is not null && at is { } numberAt && number is { } n && unit is not null
                        ? new RecordedObservation(code, numberAt, n, null, unit) { Source = path }
                        : null;

                case JsonValueKind.String:
                    if (Text(value, valuePath) is not { } text)
                    {
                        return null;
                    }

                    var hint = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                        || text is "true" or "false"
                        ? $"; write {text.Trim()} without quotes"
                        : "";
                    Error(valuePath, $"expected a number or true/false, got a string {JsonText.Quote(text)}{hint}");
                    return null;

                default:
                    Error(valuePath, $"expected a number or true/false, got {Describe(value)}");
                    return null;
            }
        }

        private MeasuredValue? Quantity(JsonElement element, string path, string what)
        {
            // A quantity is read into a decision (a weight per kg, a dose): an unknown property on it holds, as on an entry.
            var props = Properties(element, path, F.Quantity, $"{what} ({{\"value\": …, \"unit\": …}})", entry: true);
            if (props is null)
            {
                return null;
            }

            double? value = null;
            if (Required(props, path, F.Value, "a number greater than 0") is { } v)
            {
                value = Number(v, Child(path, F.Value));
                if (value is <= 0)
                {
                    Error(Child(path, F.Value), $"{what} must be greater than 0, got {Raw(v)}");
                    value = null;
                }
            }

            var unit = Required(props, path, F.Unit, "a UCUM unit code, e.g. \"kg\"") is { } u
                ? NonEmptyString(u, Child(path, F.Unit), "the unit (a UCUM code)", trimmed: true)
                : null;
            return value is { } x && unit is not null ? new MeasuredValue(x, unit) : null;
        }

        private double? Number(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Number)
            {
                var hint = element.ValueKind == JsonValueKind.String ? "; write numbers without quotes" : "";
                Error(path, $"expected a number, got {Describe(element)}{hint}");
                return null;
            }

            // TryGetDouble refuses values that overflow to infinity (e.g. 1e400).
            if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                Error(path, $"number {Raw(element)} is out of range");
                return null;
            }

            return value;
        }

        private DateTimeOffset? Timestamp(Dictionary<string, JsonElement> props, string path)
        {
            var atPath = Child(path, F.At);
            if (Required(props, path, F.At, $"a timestamp with offset, e.g. \"{IsoTimestamp.Example}\"") is not { } element)
            {
                return null;
            }

            if (element.ValueKind != JsonValueKind.String)
            {
                Error(atPath, $"expected a timestamp string with offset, e.g. \"{IsoTimestamp.Example}\", got {Describe(element)}");
                return null;
            }

            if (Text(element, atPath) is not { } text)
            {
                return null;
            }

            if (!IsoTimestamp.TryParse(text, out var at, out var error))
            {
                Error(atPath, error);
                return null;
            }

            return at;
        }

        private string? NonEmptyString(JsonElement element, string path, string what, bool trimmed)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Error(path, $"expected {what} as a string, got {Describe(element)}");
                return null;
            }

            if (Text(element, path) is not { } text)
            {
                return null;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                Error(path, $"{what} must not be empty");
                return null;
            }

            // Codes are matched exactly later; a stray space would make a reading silently unmatched.
            if (trimmed && text.Trim() != text)
            {
                Error(path, $"{what} {JsonText.Quote(text)} has leading or trailing whitespace");
                return null;
            }

            return text;
        }

        private ImmutableArray<T> ReadArray<T>(
            Dictionary<string, JsonElement> props, string path, string name, Func<JsonElement, string, T?> readItem)
            where T : class
        {
            // Required even when empty: a missing "observations" must not read as "no observations".
            if (Required(props, path, name, "an array (use [] when there are none)") is not { } array)
            {
                return [];
            }

            var arrayPath = Child(path, name);
            if (array.ValueKind != JsonValueKind.Array)
            {
                Error(arrayPath, $"expected an array of {name}, got {Describe(array)}");
                return [];
            }

            var items = ImmutableArray.CreateBuilder<T>();
            int index = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (readItem(item, $"{arrayPath}[{index}]") is { } read)
                {
                    items.Add(read);
                }

                index++;
            }

            return items.ToImmutable();
        }

        /// <summary>
        /// The known properties of an object. Reports a non-object, duplicate names (which value wins is
        /// ambiguous) and unknown names (warnings, so typos are visible). On an <paramref name="entry"/> (an event, a dose,
        /// an observation, or a quantity: the weight, a dose amount) an unknown name is a warning that holds: it may change what the entry means (whose it is,
        /// whether it was corrected or entered in error), and a reader that does not know it cannot vouch for the entry.
        /// </summary>
        private Dictionary<string, JsonElement>? Properties(JsonElement element, string path, ImmutableArray<string> known, string what, bool entry = false)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"expected {what} as a JSON object, got {Describe(element)}");
                return null;
            }

            var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var seenUnknown = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    Error(path, "a property name contains an invalid \\u escape (unpaired UTF-16 surrogate)");
                    continue;
                }

                var propertyPath = Child(path, name);
                if (known.Contains(name))
                {
                    if (!props.TryAdd(name, property.Value))
                    {
                        Error(propertyPath, $"property \"{name}\" appears more than once; which value applies is ambiguous");
                    }
                }
                else if (seenUnknown.Add(name))
                {
                    if (entry)
                    {
                        var message = $"unknown property {JsonText.Quote(name)} on {what}{Suggest(name, known)}: what it says about the entry (whose it is, whether it stands) is not known, so the dose is held; send the entry without it";
                        Issues.Add(new RecordIssue(propertyPath, message, IsError: false) { Kind = RecordIssueKinds.UnknownProperty, Holds = true });
                    }
                    else
                    {
                        Warn(propertyPath, $"unknown property {JsonText.Quote(name)} is ignored{Suggest(name, known)}");
                    }
                }
            }

            return props;
        }

        private JsonElement? Required(Dictionary<string, JsonElement> props, string path, string name, string expected)
        {
            if (!props.TryGetValue(name, out var element))
            {
                Error(Child(path, name), $"required property \"{name}\" is missing; expected {expected}");
                return null;
            }

            if (element.ValueKind == JsonValueKind.Null)
            {
                Error(Child(path, name), $"\"{name}\" must not be null; expected {expected}");
                return null;
            }

            return element;
        }

        // Optional properties may be omitted or null (serializers commonly write null for "absent").
        private static JsonElement? Optional(Dictionary<string, JsonElement> props, string name) =>
            props.TryGetValue(name, out var element) && element.ValueKind != JsonValueKind.Null ? element : null;

        private static string Suggest(string name, ImmutableArray<string> known)
        {
            var best = Levenshtein.Closest(name.ToLowerInvariant(), known, 2);
            return best is null ? "" : $" (did you mean \"{best}\"?)";
        }

        /// <summary>
        /// The string value, or null with an error: JsonDocument only decodes escapes on access, and an
        /// escaped unpaired surrogate (e.g. "\uD800") throws there.
        /// </summary>
        private string? Text(JsonElement element, string path)
        {
            try
            {
                return element.GetString();
            }
            catch (InvalidOperationException)
            {
                Error(path, $"the string {Raw(element)} contains an invalid \\u escape (unpaired UTF-16 surrogate)");
                return null;
            }
        }

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => $"a string {Raw(element)}",
            JsonValueKind.Number => $"the number {Raw(element)}",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => element.ValueKind.ToString(),
        };

        // Source text for messages, shortened: a value may be megabytes long.
        private static string Raw(JsonElement element)
        {
            var raw = element.GetRawText();
            return raw.Length > 60 ? raw[..60] + "…" : raw;
        }

        private static string Child(string path, string name) =>
            IsPlainName(name) ? $"{path}.{name}" : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

        private static bool IsPlainName(string name) =>
            name.Length > 0
            && (char.IsAsciiLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }
}
