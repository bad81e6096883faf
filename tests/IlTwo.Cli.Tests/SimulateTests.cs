using System.Diagnostics;
using System.Text.RegularExpressions;
using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

public sealed class SimulateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    private static string Record() => FhirCliRunner.TempFile("course.json", PatientJsonWriter.Write(FhirCliRunner.HypotensionCourse(Start)));

    [Fact]
    public void Simulate_prints_one_line_per_decision()
    {
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--patient", Record(), "--to", "2026-03-04T06:00:00Z");
        Assert.Equal(0, result.Exit);
        var lines = result.Out.Split('\n');
        Assert.StartsWith("Replay under hd-il2-monotherapy 1.0.0", lines[0], StringComparison.Ordinal);
        Assert.Equal("time                 dose  record  action      reasons", lines[1]);
        Assert.StartsWith("2026-03-02 14:00 UTC    1  given   give", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("2026-03-03 06:00 UTC    3  held    hold        sbp-below-90 (sbp 84 mmHg); phenylephrine-at-dosing (phenylephrine 0.6 µg/kg/min)", lines[4], StringComparison.Ordinal);
        Assert.Contains("the protocol decides 5 give, 1 hold; at the 6 recorded dose time(s) the record shows 5 given, 1 held; reached the end of the replay (2026-03-04 06:00 UTC)", result.Out, StringComparison.Ordinal);
        // stderr is not a terminal under test: no progress output.
        Assert.Equal("", result.Error);
    }

    /// <summary>
    /// The shipped example gave four doses and charted its data only before the fifth: every recorded dose is decided
    /// with the doses given before it (so the fourth is not a "third held dose"), and the replay ends with the data.
    /// </summary>
    [Fact]
    public void Simulate_decides_each_recorded_dose_with_the_doses_the_record_gave_before_it()
    {
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("post-til-il2"), "--allow-unsigned", "--patient", Path.Combine(FhirCliRunner.RepositoryRoot, "protocols", "examples", "post-til-stable.json"));
        Assert.Equal(0, result.Exit);
        var lines = result.Out.Split('\n');
        Assert.True(lines.Length > 6, result.Out);
        for (var dose = 1; dose <= 4; dose++)
        {
            Assert.Matches($@"^2026-03-0[23] [0-9:]+ UTC    {dose}  given   hold ", lines[1 + dose]);
        }
        Assert.DoesNotContain("three-doses-held", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("discontinue", result.Out, StringComparison.Ordinal);
        Assert.Contains("at the 4 recorded dose time(s) the record shows 4 given, 0 held; the record's data ends at 2026-03-04 05:00 UTC", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_writes_times_in_the_chosen_time_zone()
    {
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--patient", Record(), "--to", "2026-03-04T06:00:00Z", "--tz", "America/New_York");
        Assert.Equal(0, result.Exit);
        var lines = result.Out.Split('\n');
        Assert.StartsWith("2026-03-02 09:00 -05:00    1  give", lines[2], StringComparison.Ordinal);
        Assert.Contains("reached the end of the replay (2026-03-04 01:00 -05:00)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_compare_lists_the_doses_decided_differently()
    {
        // The post-TIL protocol holds dose 1 (no TIL infusion recorded); the later recorded doses are decided with the record's own history.
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--patient", Record(), "--to", "2026-03-04T06:00:00Z",
            "--compare", FhirCliRunner.Protocol("post-til-il2"));
        Assert.Equal(0, result.Exit);
        Assert.Contains("Compared with post-til-il2 1.0.0:", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"  dose 1:\n    hd-il2-monotherapy 1.0.0: give at 2026-03-02 14:00 UTC(?: — [^\n]*)?\n    post-til-il2 1.0.0: hold at 2026-03-02 14:00 UTC — [^\n]*no-first-dose-event: no 'til-infusion' event recorded", result.Out);
        Assert.Contains("Compared with post-til-il2 1.0.0: 6 dose(s) decided differently", result.Out, StringComparison.Ordinal);
        // Dose 2 is decided with dose 1 given (as recorded): without the infusion the post-TIL course cannot go on either.
        Assert.Matches(@"  dose 2:\n    hd-il2-monotherapy 1.0.0: give at 2026-03-02 22:00 UTC\n    post-til-il2 1.0.0: hold at 2026-03-02 22:00 UTC — no-first-dose-event: no 'til-infusion' event recorded, but 1 dose\(s\) given", result.Out);
        // Dose 3's phenylephrine stops IL-2 after TIL.
        Assert.Matches(@"  dose 3:\n    hd-il2-monotherapy 1.0.0: hold at 2026-03-03 06:00 UTC — sbp-below-90 \(sbp 84 mmHg\)[^\n]*\n    post-til-il2 1.0.0: discontinue at 2026-03-03 06:00 UTC — vasopressor-for-hypotension", result.Out);
        Assert.Matches(@"  dose 4:\n    hd-il2-monotherapy 1.0.0: give at 2026-03-03 14:00 UTC\n    post-til-il2 1.0.0: not reached\n", result.Out);
    }

    [Fact]
    public void Simulate_with_both_inputs_is_a_usage_error()
    {
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--patient", "a.json", "--fhir", "b.json");
        Assert.Equal(ExitCodes.Usage, result.Exit);
    }

    [Fact]
    public void Course_chart_renders_in_headless_chromium()
    {
        const string chromium = "/usr/bin/chromium";
        Assert.True(File.Exists(chromium),
            $"{chromium} is missing: this test renders the course chart in headless Chromium. Install it with: apt-get update && apt-get install -y chromium");

        var output = Path.Combine(AppContext.BaseDirectory, "chart-output");
        Directory.CreateDirectory(output);
        var html = Path.Combine(output, "course.html");
        var result = FhirCliRunner.Run("simulate", FhirCliRunner.Protocol("hd-il2-monotherapy"), "--allow-unsigned", "--patient", Record(), "--to", "2026-03-04T06:00:00Z", "-o", html);
        Assert.Equal(0, result.Exit);

        var profile = Directory.CreateTempSubdirectory("il2-chromium-").FullName;
        string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}"];
        var dom = Chromium(chromium, [.. common, "--dump-dom", new Uri(html).AbsoluteUri]);

        // Six dose markers: five given, one held; each with its reasons in a <title>.
        Assert.Equal(5, ClassCount(dom, "dose give"));
        Assert.Equal(1, ClassCount(dom, "dose hold"));
        Assert.Matches(@"<g class=""dose hold"" data-dose=""3""[^>]*><title>dose 3 at 2026-03-03 06:00 UTC: hold\nsbp-below-90 \(sbp 84 mmHg\)", dom);
        // The SBP trace with its hold line at 90 mm[Hg]; the phenylephrine trace with its 0.5 (hold) and 0.8 (discontinue) lines.
        Assert.Contains(@"<g class=""trace"" data-input=""sbp"">", dom, StringComparison.Ordinal);
        Assert.Matches(@"<g class=""threshold hold"" data-rule=""sbp-below-90"" data-value=""90""><title>hold rule sbp-below-90: sbp &lt; 90 mm\[Hg\]</title><line ", dom);
        Assert.Contains(@"data-rule=""phenylephrine-at-dosing"" data-value=""0.5""", dom, StringComparison.Ordinal);
        Assert.Contains(@"<g class=""threshold discontinue"" data-rule=""phenylephrine-at-dosing-high"" data-value=""0.8""", dom, StringComparison.Ordinal);
        Assert.True(ClassCount(dom, "point") >= 6);

        var png = Path.Combine(output, "course.png");
        File.Delete(png);
        Chromium(chromium, [.. common, $"--screenshot={png}", "--window-size=1200,800", new Uri(html).AbsoluteUri]);
        Assert.True(File.Exists(png) && new FileInfo(png).Length > 1000, $"no screenshot at {png}");
    }

    private static int ClassCount(string dom, string @class) => Regex.Count(dom, $"class=\"{Regex.Escape(@class)}\"");

    private static string Chromium(string path, string[] args)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 90 s");
        }
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
