using System.Globalization;
using System.Text.RegularExpressions;

namespace IlTwo.Runtime.Records;

/// <summary>
/// RFC 3339 date-times (the ISO 8601 profile JSON Schema's "date-time" means) with a mandatory offset; seconds may be
/// left out (2026-03-02T08:00Z), as EHR exports often do.
/// Parsed by hand rather than with DateTimeOffset.Parse, which silently assumes the local zone
/// for values without an offset and accepts many non-ISO shapes.
/// </summary>
internal static partial class IsoTimestamp
{
    public const string Example = "2026-03-02T08:00:00Z";

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Full();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DateOnly();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NoOffset();

    /// <summary>Parses <paramref name="text"/>; on failure returns false and a message saying what was expected.</summary>
    public static bool TryParse(string text, out DateTimeOffset value, out string error)
    {
        value = default;
        error = "";
        var quoted = JsonText.Quote(text);
        var m = Full().Match(text);
        if (!m.Success)
        {
            error = DateOnly().IsMatch(text)
                ? $"date-only value {quoted} is not allowed: a time of day with a UTC offset is required, e.g. \"{Example}\""
                : NoOffset().IsMatch(text)
                    ? $"timestamp {quoted} has no UTC offset and is ambiguous; add \"Z\" or an offset such as \"+01:00\", e.g. \"{Example}\""
                    : $"{quoted} is not an ISO 8601 timestamp with offset; expected e.g. \"{Example}\" or \"2026-03-02T09:00:00+01:00\"";
            return false;
        }

        int Part(int i) => int.Parse(m.Groups[i].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        int year = Part(1), month = Part(2), day = Part(3), hour = Part(4), minute = Part(5), second = m.Groups[6].Success ? Part(6) : 0;

        string? problem =
            year < 1 ? "year 0000"
            : month is < 1 or > 12 ? $"month {month:00}"
            : day < 1 || day > DateTime.DaysInMonth(year, month) ? $"day {day:00} of {year:0000}-{month:00}"
            : hour > 23 ? $"hour {hour:00}"
            : minute > 59 ? $"minute {minute:00}"
            : second > 59 ? $"second {second:00}" // leap seconds cannot be represented by DateTimeOffset
            : null;

        var offset = TimeSpan.Zero;
        var zone = m.Groups[8].Value;
        if (problem is null && zone != "Z")
        {
            int oh = int.Parse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            int om = int.Parse(zone.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            if (oh > 14 || om > 59 || (oh == 14 && om > 0))
            {
                problem = $"offset {zone} (must be within ±14:00)";
            }
            else
            {
                offset = new TimeSpan(oh, om, 0);
                if (zone[0] == '-')
                {
                    offset = -offset;
                }
            }
        }

        if (problem is not null)
        {
            error = $"timestamp {quoted} is not a valid date/time: {problem} is out of range";
            return false;
        }

        // Fractions beyond 100 ns (e.g. Java's nanoseconds) are truncated: far below clinical relevance.
        long ticks = 0;
        var fraction = m.Groups[7].Value;
        for (int i = 0; i < 7; i++)
        {
            ticks = ticks * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var utc = local - offset;
        if (utc < DateTime.MinValue.AddDays(1) || utc > DateTime.MaxValue.AddDays(-1))
        {
            error = $"timestamp {quoted} is outside the supported range";
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Formats as the reader expects: seconds always, fraction only when present, "Z" for UTC.</summary>
    public static string Format(DateTimeOffset value)
    {
        var text = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        long fraction = value.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            text += "." + fraction.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return text + (value.Offset == TimeSpan.Zero
            ? "Z"
            : value.ToString("zzz", CultureInfo.InvariantCulture));
    }
}
