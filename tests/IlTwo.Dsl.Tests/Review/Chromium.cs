using System.Diagnostics;

namespace IlTwo.Dsl.Tests.Review;

/// <summary>Headless Chromium for the review-document tests (Debian package <c>chromium</c>; CI installs it).</summary>
internal static class Chromium
{
    public const string InstallHint = "apt-get update && apt-get install -y chromium";

    /// <summary>IL2_CHROMIUM, else /usr/bin/chromium, else chromium or chromium-browser on PATH.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("IL2_CHROMIUM") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        if (File.Exists("/usr/bin/chromium"))
        {
            return "/usr/bin/chromium";
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    public static string Require() =>
        Find() ?? throw new InvalidOperationException(
            $"headless Chromium is required for the review-document browser tests and was not found (looked at IL2_CHROMIUM, /usr/bin/chromium, PATH). Install it: {InstallHint}");

    /// <summary>The DOM Chromium builds from the file, serialized.</summary>
    public static string DumpDom(string htmlPath) => Run(htmlPath, "--dump-dom").StdOut;

    /// <summary>A 1280x2000 PNG of the page.</summary>
    public static void Screenshot(string htmlPath, string pngPath) => Run(htmlPath, $"--screenshot={pngPath}", "--window-size=1280,2000");

    private static (string StdOut, string StdErr) Run(string htmlPath, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("il2-chromium-").FullName;
        var start = new ProcessStartInfo(Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in extra)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within 120 s: {string.Join(' ', extra)}");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {stderr.Result}");
        }

        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
        return (stdout.Result, stderr.Result);
    }
}
