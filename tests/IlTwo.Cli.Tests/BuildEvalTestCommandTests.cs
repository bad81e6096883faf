using System.Text.Json;

namespace IlTwo.Cli.Tests;

public sealed class BuildEvalTestCommandTests
{
    private static readonly string PostTil = CliRun.Repo("protocols/post-til-il2.il2");
    private static readonly string HoldPatient = CliRun.Repo("protocols/examples/post-til-patient.json");
    private static readonly string StablePatient = CliRun.Repo("protocols/examples/post-til-stable.json");
    private const string At = "2026-03-04T06:00:00Z";

    [Fact]
    public void Eval_of_the_shipped_example_holds_dose_5_for_the_low_blood_pressure()
    {
        var run = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("HOLD dose 5 at 2026-03-04 06:00 UTC under post-til-il2 1.0.0", run.Out, StringComparison.Ordinal);
        Assert.Contains("sbp 84 mmHg at 05:00", run.Out, StringComparison.Ordinal);
        Assert.Contains("sbp-below-90", run.Out, StringComparison.Ordinal);
        Assert.Contains("next dose 2026-03-04 14:00 UTC", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_writes_times_in_the_chosen_time_zone_and_json_in_utc()
    {
        var run = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At, "--tz", "Europe/Zurich");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("HOLD dose 5 at 2026-03-04 07:00 +01:00 under post-til-il2 1.0.0", run.Out, StringComparison.Ordinal);
        Assert.Contains("sbp 84 mmHg at 06:00", run.Out, StringComparison.Ordinal);
        Assert.Contains("next dose 2026-03-04 15:00 +01:00", run.Out, StringComparison.Ordinal);

        var json = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At, "--tz", "Europe/Zurich", "--format", "json");
        Assert.Contains("\"at\": \"2026-03-04T06:00:00Z\"", json.Out, StringComparison.Ordinal);

        var bad = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At, "--tz", "Mars/Olympus");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--tz 'Mars/Olympus' is not a time zone", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_json_names_the_action_rules_missing_data_and_next_dose()
    {
        var run = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("hold", root.GetProperty("action").GetString());
        Assert.Equal("sbp-below-90", Assert.Single(root.GetProperty("rules").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("missing").ValueKind);
        Assert.Equal(DateTimeOffset.Parse("2026-03-04T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("nextDoseAt").GetDateTimeOffset());
    }

    [Fact]
    public void Eval_gives_when_nothing_holds()
    {
        var run = CliRun.Of("eval", PostTil, "--patient", StablePatient, "--at", At);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("GIVE dose 5", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_assembly_evaluates_like_the_source()
    {
        var folder = CliRun.TempFolder();
        var build = CliRun.Of("build", PostTil, "-o", folder);
        Assert.Equal(0, build.ExitCode);
        var dll = Path.Combine(folder, "il2.post-til-il2.dll");
        Assert.True(File.Exists(dll));
        Assert.True(File.Exists(Path.ChangeExtension(dll, ".pdb")));

        var fromDll = CliRun.Of("eval", dll, "--patient", HoldPatient, "--at", At, "--format", "json");
        var fromSource = CliRun.Of("eval", PostTil, "--patient", HoldPatient, "--at", At, "--format", "json");
        Assert.Equal(0, fromDll.ExitCode);
        Assert.Equal(fromSource.Out, fromDll.Out);
    }

    [Fact]
    public void Build_of_a_broken_protocol_prints_located_errors_and_exits_1()
    {
        var folder = CliRun.TempFolder();
        var file = Path.Combine(folder, "broken.il2");
        File.WriteAllText(file, "protocol broken\ntitle \"b\"\nversion 1.0.0\nregimen { drug aldesleukin every 8 h }\nhold rule r \"r\" { when sbp < 90 mm[Hg] }\n");

        var run = CliRun.Of("build", file, "-o", folder);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("broken.il2(5,24): error IL0105:", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "il2.broken.dll")));
    }

    [Theory]
    [InlineData("{ \"patient\": {}, \"events\": [], \"doses\": [], \"observations\": [ { \"code\": \"8480-6\", \"value\": \"84\", \"unit\": \"mm[Hg]\", \"at\": \"2026-03-04T05:00:00Z\" } ] }", "$.observations[0].value")]
    [InlineData("{ \"patient\": {}, \"events\": [], \"doses\": [], \"observations\": [ { \"code\": \"8480-6\", \"value\": 84, \"unit\": \"mm[Hg]\", \"at\": \"2026-03-04T05:00:00\" } ] }", "$.observations[0].at")]
    [InlineData("{ \"patient\": ", "")]
    public void Eval_refuses_a_bad_record_with_the_place_of_the_problem(string json, string path)
    {
        var file = Path.Combine(CliRun.TempFolder(), "patient.json");
        File.WriteAllText(file, json);

        var run = CliRun.Of("eval", PostTil, "--patient", file, "--at", At);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {path}", run.Error, StringComparison.Ordinal);
        Assert.Contains("no decision was made", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_value_in_a_unit_that_cannot_convert_holds_and_is_named()
    {
        var record = File.ReadAllText(HoldPatient).Replace("\"value\": 84, \"unit\": \"mm[Hg]\"", "\"value\": 84, \"unit\": \"mg/dL\"", StringComparison.Ordinal);
        var file = Path.Combine(CliRun.TempFolder(), "patient.json");
        File.WriteAllText(file, record);

        var run = CliRun.Of("eval", PostTil, "--patient", file, "--at", At, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("hold", json.RootElement.GetProperty("action").GetString());
        Assert.Contains("mg/dL", json.RootElement.GetProperty("dataErrors").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("eval", "missing.il2", "--patient", "missing.json")]
    [InlineData("eval", "PROTOCOL", "--patient", "PATIENT", "--at", "tomorrow")]
    [InlineData("eval", "PROTOCOL", "--patient", "PATIENT", "--at", "2026-03-04T06:00:00")]
    [InlineData("eval", "PROTOCOL", "--patient", "PATIENT", "--format", "xml")]
    [InlineData("build", "PROTOCOL")]
    [InlineData("test")]
    [InlineData("test", "no-such-folder")]
    public void Usage_and_io_errors_exit_2(params string[] args)
    {
        var resolved = args.Select(a => a switch { "PROTOCOL" => PostTil, "PATIENT" => HoldPatient, _ => a }).ToArray();
        var run = CliRun.Of(resolved);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("il2: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_runs_every_shipped_scenario_and_ends_with_the_count()
    {
        var run = CliRun.Of("test", CliRun.Repo("protocols"));

        Assert.Equal(0, run.ExitCode);
        var last = run.Out.TrimEnd('\n').Split('\n')[^1];
        Assert.Matches(@"^[1-9][0-9]* passed, 0 failed$", last);
        Assert.DoesNotContain("warning: coverage", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_reports_a_failing_scenario_at_its_line_and_uncovered_rules()
    {
        var file = Path.Combine(CliRun.TempFolder(), "failing.il2");
        File.WriteAllText(file, """
            protocol failing
            title "f"
            version 1.0.0
            reference r "r"
            regimen {
              drug aldesleukin
              every 8 h
              cite r "r"
            }
            observation sbp "Systolic blood pressure" {
              loinc 8480-6
              unit mm[Hg]
              within 4 h
            }
            hold rule sbp-low "low" {
              when sbp < 90 mm[Hg]
              cite r "r"
            }
            scenario "84 gives, wrongly expected" {
              sbp 84 mm[Hg] 1 h ago
              expect give
            }
            """);

        var run = CliRun.Of("test", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("failing.il2(19,10): scenario \"84 gives, wrongly expected\" failed: expected give, got hold because sbp-low", run.Out, StringComparison.Ordinal);
        Assert.Contains("'sbp < 90 mm[Hg]' in rule 'sbp-low' is only met by the scenarios", run.Out, StringComparison.Ordinal);
        Assert.EndsWith("0 passed, 1 failed\n", run.Out, StringComparison.Ordinal);
    }
}
