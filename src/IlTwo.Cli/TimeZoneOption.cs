using System.Globalization;

namespace IlTwo.Cli;

/// <summary>
/// <c>--tz ZONE</c> on <c>il2 eval</c> and <c>il2 simulate</c>: the time zone decision text is written in (an IANA id such
/// as Europe/Zurich, or UTC, the default). JSON output keeps UTC.
/// </summary>
internal static class TimeZoneOption
{
    public static System.CommandLine.Option<string[]> Create(string description) => CliOptions.Valued("--tz", "ZONE", description);

    public static bool TryRead(string? text, out TimeZoneInfo zone, out string? error)
    {
        zone = TimeZoneInfo.Utc;
        error = null;
        if (text is null)
        {
            return true;
        }

        if (text is "UTC" or "utc" or "Z")
        {
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(text);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            error = $"--tz '{text}' is not a time zone this machine knows; give an IANA id such as Europe/Zurich or America/New_York, or UTC";
            return false;
        }
    }

    /// <summary>"2026-03-03 05:00 UTC", or in another zone with its offset: "2026-03-03 06:00 +01:00".</summary>
    public static string Show(DateTimeOffset time, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
        {
            return time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        }

        var local = TimeZoneInfo.ConvertTime(time, zone);
        return local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }
}
