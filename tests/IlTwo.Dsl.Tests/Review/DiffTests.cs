using System.Globalization;
using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Rendering;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Dsl.Tests.Review;

/// <summary>Pairs of protocol versions: each kind of change and each verdict, with counterexamples checked by evaluation.</summary>
public sealed class DiffTests
{
    private const string Mono = "hd-il2-monotherapy";
    private const string PostTil = "post-til-il2";

    private static string Corpus(string name) => Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Review", "Corpus", name);

    private static ProtocolCompilation Compile(string path)
    {
        var compilation = TestProtocols.Compile(path);
        Assert.True(!compilation.Chain.Any(c => c.HasErrors), string.Join("\n", compilation.Chain.SelectMany(c => c.Diagnostics).Select(d => d.ToCompilerFormat())));
        return compilation;
    }

    /// <summary>Copies the shipped protocols to a temp folder and edits one of them (the edit must change the text).</summary>
    internal static string EditedCopy(string protocol, Func<string, string> edit)
    {
        var folder = Directory.CreateTempSubdirectory("il2-diff-").FullName;
        foreach (var file in Directory.EnumerateFiles(TestProtocols.ProtocolsFolder, "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var path = Path.Combine(folder, protocol + ".il2");
        var text = File.ReadAllText(path);
        var edited = edit(text);
        Assert.NotEqual(text, edited);
        File.WriteAllText(path, edited);
        return path;
    }

    private static ProtocolDiff DiffShipped(string protocol, Func<string, string> edit) =>
        ProtocolComparer.Compare(Compile(TestProtocols.Shipped(protocol)), Compile(EditedCopy(protocol, edit)));

    /// <summary>Rebuilds the counterexample on the give-scenario patient and evaluates both versions on it.</summary>
    private static (DoseAction Old, DoseAction New) Evaluate(ProtocolCompilation old, ProtocolCompilation @new, Counterexample example, string scenarioFrom)
    {
        var scenario = @new.Protocol.Scenarios.First(s => s.Title == scenarioFrom);
        var record = ScenarioRunner.ToRecord(scenario, ScenarioRunner.Now);
        foreach (var value in example.Values)
        {
            var observation = @new.Protocol.FindObservation(value.Name)!;
            var parts = value.Value.Split(' ', 2);
            var recorded = observation.IsYesNo
                ? RecordedObservation.YesNo(value.Name, ScenarioRunner.Now.AddMinutes(-30), parts[0] == "yes")
                : RecordedObservation.Numeric(value.Name, ScenarioRunner.Now.AddMinutes(-30), double.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
            record = record with { Observations = [.. record.Observations.Where(o => o.Code != value.Name && !observation.LoincCodes.Contains(o.Code)), recorded] };
        }
        return (ProtocolEvaluator.Evaluate(new ProtocolInterpreter(old), record, ScenarioRunner.Now).Action,
                ProtocolEvaluator.Evaluate(new ProtocolInterpreter(@new), record, ScenarioRunner.Now).Action);
    }

    // ------------------------------------------------------------ the shipped protocols

    [Fact]
    public void PostTil_is_more_conservative_than_monotherapy()
    {
        var diff = ProtocolComparer.Compare(Compile(TestProtocols.Shipped(Mono)), Compile(TestProtocols.Shipped(PostTil)));
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Overall);
        Assert.StartsWith("Overall: MORE CONSERVATIVE", diff.OverallLine);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Rules.Verdict);
        Assert.Null(diff.Rules.LessExample);
        Assert.Contains(diff.Changes, c => c.Subject == "most doses per course" && c.Verdict == SafetyVerdict.MoreConservative && c.Details[0] is { Before: "28", After: "6" });
        Assert.Contains(diff.Changes, c => c.Subject == "first-dose window" && c.Verdict == SafetyVerdict.MoreConservative);
        Assert.Contains(diff.Changes, c => c.Subject == "fluid-refractory-hypotension" && c.Area == ChangeArea.Rule && c.Kind == ChangeKind.Added && c.Verdict == SafetyVerdict.MoreConservative);
        var creatinine = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Rule && c.Subject == "creatinine-high");
        Assert.Equal(SafetyVerdict.Neutral, creatinine.Verdict);
        Assert.DoesNotContain(diff.Changes, c => c.Verdict == SafetyVerdict.LessConservative);
    }

    [Fact]
    public void Monotherapy_against_postTil_is_less_conservative_with_a_checked_patient()
    {
        var old = Compile(TestProtocols.Shipped(PostTil));
        var @new = Compile(TestProtocols.Shipped(Mono));
        var diff = ProtocolComparer.Compare(old, @new);
        Assert.Equal(SafetyVerdict.LessConservative, diff.Overall);
        Assert.NotNull(diff.Rules.LessExample);
    }

    [Fact]
    public void Sbp_threshold_90_to_85_is_less_conservative_with_a_counterexample_between_85_and_90()
    {
        var old = Compile(TestProtocols.Shipped(Mono));
        var @new = Compile(EditedCopy(Mono, t => t.Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]")));
        var diff = ProtocolComparer.Compare(old, @new);

        Assert.Equal(SafetyVerdict.LessConservative, diff.Overall);
        Assert.Equal("Overall: LESS CONSERVATIVE — 1 change allows doses the old version held", diff.OverallLine);
        var change = Assert.Single(diff.Changes);
        Assert.Equal(SafetyVerdict.LessConservative, change.Verdict);
        Assert.Equal(new ChangeDetail("condition", "sbp < 90 mm[Hg]", "sbp < 85 mm[Hg]"), change.Details[0]);

        var example = diff.Rules.LessExample!;
        var sbp = Assert.Single(example.Values);
        Assert.Equal("sbp", sbp.Name);
        var value = double.Parse(sbp.Value.Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(value, 85, 89.999);
        Assert.EndsWith("mm[Hg]", sbp.Value);
        Assert.Equal((DoseAction.Hold, DoseAction.Give), Evaluate(old, @new, example, "a stable patient gets the next dose"));
        Assert.Equal(example.Describe(), change.Counterexample!.Describe());
    }

    [Fact]
    public void Sbp_threshold_90_to_95_is_more_conservative()
    {
        var old = Compile(TestProtocols.Shipped(Mono));
        var @new = Compile(EditedCopy(Mono, t => t.Replace("when sbp < 90 mm[Hg]", "when sbp < 95 mm[Hg]")));
        var diff = ProtocolComparer.Compare(old, @new);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Overall);
        Assert.Null(diff.Rules.LessExample);
        var example = diff.Rules.MoreExample!;
        Assert.Equal((DoseAction.Give, DoseAction.Hold), Evaluate(old, @new, example, "a stable patient gets the next dose"));
    }

    [Fact]
    public void Threshold_written_in_another_unit_is_shown_in_the_declared_unit()
    {
        // 12 kPa is 90.0077 mm[Hg]: a hair above 90, so (strictly) more conservative.
        var diff = DiffShipped(Mono, t => t.Replace("when sbp < 90 mm[Hg]", "when sbp < 12 kPa"));
        var change = Assert.Single(diff.Changes);
        Assert.Equal(new ChangeDetail("condition", "sbp < 90 mm[Hg]", "sbp < 90.0077 mm[Hg]"), change.Details[0]);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Overall);
    }

    [Fact]
    public void Reformatted_copy_has_no_change_in_meaning()
    {
        var diff = DiffShipped(PostTil, t => t.Replace("\n  ", "\n        ").Replace(" {\n", "\n{\n").Replace("\n\n", "\n\n\n"));
        Assert.Empty(diff.Changes);
        Assert.Equal(SafetyVerdict.Neutral, diff.Overall);
        Assert.Equal("Overall: NO CHANGE IN SAFETY — no change in meaning", diff.OverallLine);
    }

    [Fact]
    public void Comment_only_change_has_no_change_in_meaning()
    {
        var diff = DiffShipped(Mono, t => "// reviewed by the committee\n" + t.Replace("// ---------------------------------------------------------------- vital signs", "// vital signs (bedside)"));
        Assert.Empty(diff.Changes);
        Assert.Equal("no change in meaning", diff.OverallSummary);
    }

    // ------------------------------------------------------------ kinds of change

    [Fact]
    public void Hold_to_discontinue_is_more_conservative()
    {
        var diff = DiffShipped(Mono, t => t.Replace("hold rule sbp-below-90", "discontinue rule sbp-below-90"));
        var change = Assert.Single(diff.Changes);
        Assert.Equal(new ChangeDetail("action", "hold", "discontinue"), change.Details[0]);
        Assert.Equal(SafetyVerdict.MoreConservative, change.Verdict);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Overall);
    }

    [Fact]
    public void Discontinue_to_hold_is_less_conservative_with_a_checked_patient()
    {
        var diff = DiffShipped(Mono, t => t.Replace("discontinue rule sustained-vt", "hold rule sustained-vt"));
        Assert.Equal(SafetyVerdict.LessConservative, diff.Overall);
        var example = diff.Rules.LessExample!;
        Assert.Contains(example.Values, v => v.ToString() == "sustained-vt = yes");
        Assert.StartsWith("discontinue", example.OldDecision);
        Assert.StartsWith("hold", example.NewDecision);
    }

    [Fact]
    public void Aggregate_window_change_is_shown_and_proven_less_conservative()
    {
        // The same 160 mL over 12 h instead of 8 h: a longer window holds at least as much urine, so the rule fires less.
        var diff = DiffShipped(Mono, t => t.Replace("when sum(urine-output, last 8 h) <= 160 mL", "when sum(urine-output, last 12 h) <= 160 mL"));
        // urine-output-low is a relative criterion: the rule counting them (three-relative-criteria) changes with it.
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Rule && c.Subject == "urine-output-low");
        Assert.Equal(new ChangeDetail("condition", "sum(urine-output, last 8 h) <= 160 mL", "sum(urine-output, last 12 h) <= 160 mL"), change.Details[0]);
        Assert.Equal(SafetyVerdict.LessConservative, change.Verdict);
        Assert.Equal(SafetyVerdict.LessConservative, diff.Overall);
        Assert.Null(diff.Rules.MoreExample);
        Assert.Contains(diff.Rules.LessExample!.Values, v => v.Name == "urine-output");
    }

    [Fact]
    public void Removed_rule_is_less_conservative_and_added_rule_more()
    {
        // A rule no other rule counts (bilirubin-high is one of the relative criteria three-relative-criteria counts).
        var removed = DiffShipped(Mono, t => System.Text.RegularExpressions.Regex.Replace(t, "discontinue rule moist-desquamation [^}]*\\}\n", "")
            .Replace("expect discontinue because moist-desquamation", "expect give"));
        var change = Assert.Single(removed.Changes, c => c.Area == ChangeArea.Rule);
        Assert.Equal((ChangeKind.Removed, SafetyVerdict.LessConservative), (change.Kind, change.Verdict));
        Assert.Contains(removed.Rules.LessExample!.Values, v => v.Name == "moist-desquamation");
        Assert.Equal(SafetyVerdict.LessConservative, removed.Overall);

        var added = DiffShipped(Mono, t => t + "\nhold rule bilirubin-very-high \"Bilirubin above 10 mg/dL\" {\n  when bilirubin > 10 mg/dL\n  unverified \"test\"\n}\n");
        var rule = Assert.Single(added.Changes, c => c.Area == ChangeArea.Rule);
        Assert.Equal(ChangeKind.Added, rule.Kind);
        // Already held by bilirubin-high: the protocol as a whole holds exactly where it did.
        Assert.Equal(SafetyVerdict.Neutral, added.Rules.Verdict);
    }

    [Fact]
    public void Title_and_citation_changes_are_neutral()
    {
        var diff = DiffShipped(Mono, t => t.Replace("\"Systolic BP below 90 mm[Hg]\" {", "\"SBP under 90 mm[Hg]\" {").Replace("cite proleukin-pi \"Table 2, cardiac: withhold for SBP decrease to <90 mmHg\"", "cite dutcher-2014 \"Table 3\""));
        var change = Assert.Single(diff.Changes);
        Assert.Equal(SafetyVerdict.Neutral, change.Verdict);
        Assert.Contains(change.Details, d => d.What == "title" && d.After == "SBP under 90 mm[Hg]");
        Assert.Contains(change.Details, d => d.What == "citation" && d.After == "dutcher-2014: Table 3");
        Assert.Equal(SafetyVerdict.Neutral, diff.Overall);
    }

    [Theory]
    [InlineData("at most 28 doses per course", "at most 30 doses per course", "most doses per course", SafetyVerdict.LessConservative)]
    [InlineData("at most 14 doses per cycle", "at most 12 doses per cycle", "most doses per cycle", SafetyVerdict.MoreConservative)]
    [InlineData("every 8 h\n", "every 12 h\n", "interval", SafetyVerdict.MoreConservative)]
    [InlineData("every 8 h\n", "every 6 h\n", "interval", SafetyVerdict.LessConservative)]
    [InlineData("dose 600000 [iU]/kg", "dose 720000 [iU]/kg", "dose", SafetyVerdict.LessConservative)]
    public void Regimen_changes_are_classified(string before, string after, string subject, SafetyVerdict expected)
    {
        var diff = DiffShipped(Mono, t => t.Replace(before, after));
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Regimen && c.Subject == subject);
        Assert.Equal(expected, change.Verdict);
        Assert.Equal(expected, diff.Overall);
    }

    [Theory]
    [InlineData("first dose 3 h to 24 h after til-infusion", "first dose 4 h to 20 h after til-infusion", SafetyVerdict.MoreConservative)]
    [InlineData("first dose 3 h to 24 h after til-infusion", "first dose 2 h to 24 h after til-infusion", SafetyVerdict.LessConservative)]
    [InlineData("first dose 3 h to 24 h after til-infusion", "first dose 4 h to 30 h after til-infusion", SafetyVerdict.CannotTell)]
    public void First_dose_window_changes_are_classified(string before, string after, SafetyVerdict expected)
    {
        var diff = DiffShipped(PostTil, t => t.Replace(before, after));
        Assert.Equal(expected, Assert.Single(diff.Changes, c => c.Subject == "first-dose window").Verdict);
    }

    [Theory]
    [InlineData("  within 4 h\n  range 40 mm[Hg]", "  within 2 h\n  range 40 mm[Hg]", SafetyVerdict.MoreConservative, "within")]
    [InlineData("  within 4 h\n  range 40 mm[Hg]", "  within 6 h\n  range 40 mm[Hg]", SafetyVerdict.LessConservative, "within")]
    [InlineData("  range 0 ug/kg/min to 5 ug/kg/min\n  optional\n}\n\nobservation max", "  range 0 ug/kg/min to 5 ug/kg/min\n}\n\nobservation max", SafetyVerdict.MoreConservative, "optional")]
    [InlineData("  within 4 h\n  range 40 mm[Hg]", "  within 4 h\n  optional\n  range 40 mm[Hg]", SafetyVerdict.LessConservative, "optional")]
    [InlineData("  loinc 14682-9\n", "", SafetyVerdict.CannotTell, "LOINC codes")]
    // The engine holds on a value outside the range: a wider range holds on fewer values, a narrower one on more.
    [InlineData("range 40 mm[Hg] to 250 mm[Hg]", "range 30 mm[Hg] to 260 mm[Hg]", SafetyVerdict.LessConservative, "range")]
    [InlineData("range 40 mm[Hg] to 250 mm[Hg]", "range 50 mm[Hg] to 240 mm[Hg]", SafetyVerdict.MoreConservative, "range")]
    [InlineData("range 40 mm[Hg] to 250 mm[Hg]", "range 50 mm[Hg] to 260 mm[Hg]", SafetyVerdict.CannotTell, "range")]
    [InlineData("  reported to 0.1 mg/dL\n", "", SafetyVerdict.CannotTell, "reported to")]
    [InlineData("  unit mm[Hg]\n  within 4 h", "  unit kPa\n  within 4 h", SafetyVerdict.Neutral, "unit")]
    public void Observation_changes_are_classified(string before, string after, SafetyVerdict expected, string what)
    {
        var diff = DiffShipped(Mono, t => t.Replace(before, after));
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Observation);
        Assert.Equal(expected, change.Verdict);
        Assert.Contains(change.Details, d => d.What == what);
    }

    [Fact]
    public void References_and_scenarios_added_or_removed_are_neutral()
    {
        var diff = DiffShipped(Mono, t => t.Replace("scenario \"sustained VT stops IL-2\"", "scenario \"sustained VT (5 beats) stops IL-2\"")
            .Replace("reference proleukin-pi-old", "reference other \"Other\"\nreference proleukin-pi-old"));
        Assert.Contains(diff.Changes, c => c is { Area: ChangeArea.Scenario, Kind: ChangeKind.Added });
        Assert.Contains(diff.Changes, c => c is { Area: ChangeArea.Scenario, Kind: ChangeKind.Removed });
        Assert.Contains(diff.Changes, c => c is { Area: ChangeArea.Reference, Kind: ChangeKind.Added, Subject: "other" });
        Assert.Equal(SafetyVerdict.Neutral, diff.Overall);
    }

    // ------------------------------------------------------------ corpus: cannot tell, mixed, renamed

    [Fact]
    public void Threshold_on_a_ratio_is_proven_more_conservative()
    {
        // sbp / heart-rate < 1.1 holds wherever < 1 did: the solver sees into the division the interval analysis could not.
        var old = Compile(Corpus("ratio-old.il2"));
        var @new = Compile(Corpus("ratio-new.il2"));
        var diff = ProtocolComparer.Compare(old, @new);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Overall);
        Assert.Equal(SafetyVerdict.MoreConservative, diff.Rules.Verdict);
        Assert.Empty(diff.Rules.UndecidedBecause);
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Rule);
        Assert.Equal(new ChangeDetail("condition", "sbp / heart-rate < 1 mm[Hg].min", "sbp / heart-rate < 1.1 mm[Hg].min"), change.Details[0]);
        Assert.Equal(SafetyVerdict.MoreConservative, change.Verdict);
        Assert.Null(diff.Rules.LessExample);
        Assert.Equal((DoseAction.Give, DoseAction.Hold), Evaluate(old, @new, diff.Rules.MoreExample!, "normal"));
    }

    [Fact]
    public void Mixed_change_is_mixed_and_shows_both_checked_patients()
    {
        var old = Compile(Corpus("mixed-old.il2"));
        var @new = Compile(Corpus("mixed-new.il2"));
        var diff = ProtocolComparer.Compare(old, @new);
        Assert.Equal(SafetyVerdict.Mixed, diff.Overall);
        Assert.StartsWith("mixed", diff.OverallSummary);
        Assert.Equal((DoseAction.Hold, DoseAction.Give), Evaluate(old, @new, diff.Rules.LessExample!, "normal"));
        Assert.Equal((DoseAction.Give, DoseAction.Hold), Evaluate(old, @new, diff.Rules.MoreExample!, "normal"));
        Assert.Contains(diff.Changes, c => c.Subject == "sbp-low" && c.Verdict == SafetyVerdict.LessConservative);
        Assert.Contains(diff.Changes, c => c.Subject == "tachycardia" && c.Verdict == SafetyVerdict.MoreConservative);
    }

    [Fact]
    public void Rule_with_a_new_id_and_the_same_condition_is_a_rename()
    {
        var diff = ProtocolComparer.Compare(Compile(Corpus("mixed-old.il2")), Compile(Corpus("renamed-new.il2")));
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Rule);
        Assert.Equal(ChangeKind.Renamed, change.Kind);
        Assert.Contains(change.Details, d => d is { What: "id", Before: "sbp-low", After: "hypotension" });
        Assert.Equal(SafetyVerdict.Neutral, change.Verdict);
        Assert.Equal(SafetyVerdict.Neutral, diff.Overall);
    }

    [Fact]
    public void Rule_with_a_new_id_and_a_similar_title_is_a_rename_hint()
    {
        var diff = DiffShipped(Mono, t => t.Replace("sbp-below-90", "sbp-low").Replace("\"Systolic BP below 90 mm[Hg]\"", "\"Systolic BP below 85 mm[Hg]\"").Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]"));
        var change = Assert.Single(diff.Changes, c => c.Area == ChangeArea.Rule);
        Assert.Equal(ChangeKind.Renamed, change.Kind);
        Assert.Equal(SafetyVerdict.LessConservative, change.Verdict);
        Assert.NotNull(change.Counterexample);
    }

    // ------------------------------------------------------------ formats

    [Fact]
    public void Formats_carry_the_verdict_and_the_counterexample()
    {
        var diff = DiffShipped(Mono, t => t.Replace("when sbp < 90 mm[Hg]", "when sbp < 85 mm[Hg]"));
        var text = DiffFormatter.Text(diff);
        Assert.StartsWith("Overall: LESS CONSERVATIVE", text);
        Assert.Contains("condition: sbp < 90 mm[Hg] -> sbp < 85 mm[Hg]", text);
        var md = DiffFormatter.Markdown(diff);
        Assert.Contains("🔴 less conservative", md);
        Assert.Contains("| Change | Before | After | Safety | Why |", md);
        var html = DiffFormatter.Html(diff);
        Assert.Contains("<style>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("class=\"badge less-conservative\"", html);
        using var json = System.Text.Json.JsonDocument.Parse(DiffFormatter.Json(diff));
        Assert.Equal("il2-diff/1", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("less-conservative", json.RootElement.GetProperty("overall").GetString());
        var change = json.RootElement.GetProperty("changes")[0];
        Assert.Equal("rule", change.GetProperty("area").GetString());
        Assert.Equal("sbp", change.GetProperty("counterexample").GetProperty("values")[0].GetProperty("name").GetString());
    }
}
