using System.Text.Encodings.Web;
using System.Text.Json;
using F = IlTwo.Runtime.Records.PatientJsonFields;

namespace IlTwo.Runtime.Records;

/// <summary>
/// Writes a <see cref="PatientRecord"/> in the format <see cref="PatientJsonReader"/> reads. Items are written in
/// the record's order (the reader sorts by time). A record the reader would reject (e.g. a numeric observation
/// without unit, a non-finite number) throws <see cref="ArgumentException"/> rather than producing a bad document.
/// </summary>
public static class PatientJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // The default encoder escapes '+' (as in "+01:00") and non-ASCII; the output is a data file, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            if (record.PatientId is not null || record.Weight is not null)
            {
                json.WriteStartObject(F.Patient);
                if (record.PatientId is not null)
                {
                    json.WriteString(F.Id, Required(record.PatientId, "patient id"));
                }

                if (record.Weight is { } weight)
                {
                    WriteQuantity(json, F.Weight, weight, "weight");
                }

                json.WriteEndObject();
            }

            json.WriteStartArray(F.Events);
            foreach (var e in record.Events)
            {
                json.WriteStartObject();
                json.WriteString(F.Type, Code(e.Type, "event type"));
                json.WriteString(F.At, IsoTimestamp.Format(e.At));
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray(F.Doses);
            foreach (var d in record.Doses)
            {
                json.WriteStartObject();
                json.WriteString(F.At, IsoTimestamp.Format(d.At));
                json.WriteString(F.Status, d.Status switch
                {
                    DoseStatus.Given => F.StatusGiven,
                    DoseStatus.Held => F.StatusHeld,
                    DoseStatus.NotGiven => F.StatusNotGiven,
                    DoseStatus.MayBeRunning => F.StatusInProgress,
                    _ => throw new ArgumentException($"Unknown dose status {d.Status}.", nameof(record)),
                });
                if (d.Amount is { } amount)
                {
                    WriteQuantity(json, F.Amount, amount, "dose amount");
                }

                if (d.Note is not null)
                {
                    json.WriteString(F.Note, d.Note);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray(F.Observations);
            foreach (var o in record.Observations)
            {
                json.WriteStartObject();
                json.WriteString(F.Code, Code(o.Code, "observation code"));
                switch (o)
                {
                    case { Flag: { } flag, Value: null, Unit: null }:
                        json.WriteBoolean(F.Value, flag);
                        break;
                    case { Flag: null, Value: { } value, Unit: not null }:
                        json.WriteNumber(F.Value, Finite(value, $"observation {o.Code}"));
                        json.WriteString(F.Unit, Code(o.Unit, "observation unit"));
                        break;
                    default:
                        throw new ArgumentException(
                            $"Observation {o.Code} at {IsoTimestamp.Format(o.At)} must have either a value with a unit or a flag without one.",
                            nameof(record));
                }

                json.WriteString(F.At, IsoTimestamp.Format(o.At));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteQuantity(Utf8JsonWriter json, string name, MeasuredValue quantity, string what)
    {
        if (!(quantity.Value > 0) || !double.IsFinite(quantity.Value))
        {
            throw new ArgumentException($"The {what} must be a finite number greater than 0, got {quantity.Value}.");
        }

        json.WriteStartObject(name);
        json.WriteNumber(F.Value, quantity.Value);
        json.WriteString(F.Unit, Code(quantity.Unit, $"{what} unit"));
        json.WriteEndObject();
    }

    private static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"The value of {what} is not finite ({value}).");

    private static string Required(string? text, string what) =>
        !string.IsNullOrWhiteSpace(text) ? text : throw new ArgumentException($"The {what} must not be empty.");

    // Mirrors the reader: codes, types and units are matched exactly, so surrounding spaces are rejected.
    private static string Code(string? text, string what) =>
        Required(text, what) is var t && t.Trim() == t
            ? t
            : throw new ArgumentException($"The {what} {JsonText.Quote(t)} has leading or trailing whitespace.");
}
