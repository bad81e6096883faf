using System.Globalization;
using System.Text.RegularExpressions;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// FHIR <c>dateTime</c> values, which may be partial (<c>2026</c>, <c>2026-03</c>, <c>2026-03-04</c>).
/// </summary>
/// <remarks>
/// <para><b>Partial precision.</b> A value known only to the year, month or day is read as the <b>start</b> of the
/// period it could be in, at the earliest offset any clock uses (UTC+14:00): <c>2026-03-04</c> becomes
/// 2026-03-03T10:00:00Z. The reading is therefore never younger than it really is, so it cannot prove that a value is
/// recent: for a recency window of hours it is (almost always) stale and holds the dose for missing data; it counts only
/// when even its earliest possible time is inside the window. The caveat: in a replay (<c>il2 simulate</c>) such a value
/// is "known" from the start of its day. The reader reports every partial time as a warning.</para>
/// <para>A time of day without an offset is ambiguous (which ward clock?) and is an error, as in the patient JSON.</para>
/// </remarks>
public static partial class FhirTime
{
    /// <summary>The earliest offset in use anywhere; the start of a local period is at the latest this instant.</summary>
    public static readonly TimeSpan EarliestOffset = TimeSpan.FromHours(14);

    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<min>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses a FHIR dateTime. <paramref name="partial"/> is true when it had no time of day.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value, out bool partial, out string error)
    {
        value = default;
        partial = false;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "no time given";
            return false;
        }
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with an offset)";
            return false;
        }
        // Groups by number (looked up once): by name, each costs a table look-up.
        int Group(int number, int otherwise) => match.Groups[number] is { Success: true } g ? int.Parse(g.ValueSpan, CultureInfo.InvariantCulture) : otherwise;
        var year = Group(Groups.Year, 1);
        var month = Group(Groups.Month, 1);
        var day = Group(Groups.Day, 1);
        try
        {
            if (!match.Groups[Groups.Hour].Success)
            {
                partial = true;
                value = new DateTimeOffset(year, month, day, 0, 0, 0, EarliestOffset);
                return true;
            }
            if (!match.Groups[Groups.Zone].Success)
            {
                error = $"'{text}' has a time of day but no UTC offset and is ambiguous; add 'Z' or an offset such as '+01:00'";
                return false;
            }
            var zone = match.Groups[Groups.Zone].Value;
            var offset = zone == "Z" ? TimeSpan.Zero
                : TimeSpan.ParseExact(zone[1..], @"hh\:mm", CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1);
            var time = new DateTimeOffset(year, month, day, Group(Groups.Hour, 0), Group(Groups.Minute, 0), Group(Groups.Second, 0), offset);
            if (match.Groups[Groups.Fraction].Success)
            {
                var fraction = match.Groups[Groups.Fraction].Value[1..];
                fraction = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
                time = time.AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture));
            }
            value = time;
            return true;
        }
        catch (ArgumentException)
        {
            error = $"'{text}' is not a valid date or time";
            return false;
        }
    }

    private static class Groups
    {
        public static readonly int Year = Pattern().GroupNumberFromName("y");
        public static readonly int Month = Pattern().GroupNumberFromName("m");
        public static readonly int Day = Pattern().GroupNumberFromName("d");
        public static readonly int Hour = Pattern().GroupNumberFromName("h");
        public static readonly int Minute = Pattern().GroupNumberFromName("min");
        public static readonly int Second = Pattern().GroupNumberFromName("s");
        public static readonly int Fraction = Pattern().GroupNumberFromName("f");
        public static readonly int Zone = Pattern().GroupNumberFromName("z");
    }

    public static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}
