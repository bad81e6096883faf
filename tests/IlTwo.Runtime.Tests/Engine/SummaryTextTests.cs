using System.Collections.Immutable;
using System.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// The decision's summary is written into a builder the thread keeps (numbers and times formatted in place); it must
/// be, character for character, the sentences the engine wrote before as strings joined by spaces. The reference is that
/// code (<see cref="ReferenceSummary"/>, as on main faaefc1), run over the decision's own rules, missing data, schedule
/// and data errors, on random records that give, hold and discontinue for every reason.
/// </summary>
public sealed class SummaryTextTests
{
    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_summary_is_the_sentences_written_before(int seed)
    {
        var random = new Random(seed);
        var kinds = new HashSet<string>();
        foreach (var rules in new ProtocolRules[] { TestProtocol.Instance, new Cited() })
        {
            for (var i = 0; i < 400; i++)
            {
                var record = PooledDecisionTests.RandomRecord(random);
                var at = CheckAt.AddMinutes(random.Next(2) == 0 ? random.Next(-120, 180) : random.Next(-600, 900));
                if (random.Next(4) == 0)
                {
                    // A latest value charted in another unit, near the rule's threshold: shown as charted and converted.
                    record = record with
                    {
                        Observations = record.Observations.Add(random.Next(2) == 0
                            ? RecordedObservation.Numeric("8480-6", at.AddMinutes(-30), Math.Round(9 + random.NextDouble() * 4, 2), "kPa")
                            : RecordedObservation.Numeric("2160-0", at.AddMinutes(-30), 200 + random.Next(200), "umol/L")),
                    };
                }

                var zone = random.Next(4) == 0 ? TimeZoneInfo.CreateCustomTimeZone("test+5:30", TimeSpan.FromMinutes(330), "test", "test") : null;
                var decision = ProtocolEvaluator.Evaluate(rules, record, at, timeZone: zone);
                var expected = ReferenceSummary.Of(rules.Info, decision, zone);
                Assert.Equal(expected, decision.Summary);
                Assert.Equal(expected, ProtocolEvaluator.Decide(rules, record, at).Explain(zone).Summary);
                kinds.Add(decision.Action.ToString());
                kinds.UnionWith(decision.Schedule.Select(f => f.Code));
                kinds.UnionWith(decision.Rules.Where(r => r.Note is not null).Select(_ => "note"));
                kinds.UnionWith(decision.Rules.SelectMany(r => r.Values).Where(v => v.ChartedUnit is not null).Select(_ => "charted"));
                kinds.UnionWith(decision.DataErrors.Select(_ => "error"));
                kinds.UnionWith(decision.Missing.Select(m => m.Optional ? "optional" : "missing"));
            }
        }

        // The records reach every kind of sentence.
        string[] reached = ["Give", "Hold", "Discontinue", ScheduleCodes.TooEarly, ScheduleCodes.MaxDosesCourse, "note", "charted", "error", "missing", "optional"];
        Assert.Empty(reached.Except(kinds));
    }

    /// <summary>Numbers, quantities and times written in place read as the strings the text was made of before.</summary>
    [Fact]
    public void Numbers_quantities_and_times_written_in_place_are_the_strings()
    {
        var random = new Random(11);
        double[] special = [0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e15, -1e15, 999999999999999.9, 0.00004, -0.00004, 0.00005, 1e-300, double.Epsilon, 84, 89.93];
        var values = special.Concat(Enumerable.Range(0, 4000).Select(_ => (random.Next(2) == 0 ? -1 : 1) * Math.Pow(10, random.NextDouble() * 40 - 20)));
        string?[] units = [null, "", "mm[Hg]", "mg/dL", "%", "/min", "10*3/uL", "ug/kg/min", "mL", "furlong"];
        foreach (var value in values)
        {
            var text = new StringBuilder();
            DecisionText.AppendNumber(text, value);
            Assert.Equal(DecisionText.Number(value), text.ToString());
            var unit = units[random.Next(units.Length)];
            text.Clear();
            DecisionText.AppendQuantity(text, value, unit);
            Assert.Equal(DecisionText.Quantity(value, unit), text.ToString());
        }

        var zone = TimeZoneInfo.CreateCustomTimeZone("test-3", TimeSpan.FromHours(-3), "test", "test");
        for (var i = 0; i < 500; i++)
        {
            var time = CheckAt.AddMinutes(random.Next(-5000, 5000));
            using (DecisionText.InZone(i % 2 == 0 ? zone : null))
            {
                var text = new StringBuilder();
                DecisionText.AppendTime(text, time, CheckAt);
                Assert.Equal(DecisionText.Time(time, CheckAt), text.ToString());
            }
        }
    }

    /// <summary>The test protocol with citations of every shape (blank parts, only a locator, only "unverified") and titles ending in stops and spaces.</summary>
    private sealed class Cited : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Id = "test-cited",
            Regimen = TestProtocol.Description.Regimen with { MaxDosesPerCourse = 2 },
            Rules =
            [
                .. TestProtocol.Description.Rules.Select(r => r.Index switch
                {
                    0 => r with { Title = "Systolic BP low. ", Citations = [new CitationInfo(" ", "Table 2", false, null), new CitationInfo(null, null, true, null), new CitationInfo("", " ", false, null)] },
                    1 => r with { Citations = [new CitationInfo("ref", null, true, null), new CitationInfo("a", "b", true, "n")] },
                    2 => r with { Title = "Oliguria...", Citations = [] },
                    _ => r,
                }),
            ],
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
    }
}

/// <summary>The summary as main faaefc1 wrote it (a list of sentence strings joined by spaces): the reference for <see cref="SummaryTextTests"/>.</summary>
internal static class ReferenceSummary
{
    public static string Of(ProtocolInfo info, DoseDecision d, TimeZoneInfo? zone)
    {
        using (DecisionText.InZone(zone))
        {
            return Summarize(d.Action, d.At, d.DoseNumber, d.Rules, d.Missing, d.Schedule, d.DataErrors, d.At.AddSeconds(info.Regimen.MinIntervalSeconds));
        }
    }

    /// <summary>"84 mmHg", or as charted with the conversion: "11.99 kPa = 89.93 mmHg".</summary>
    private static string SeenText(double declared, string? unit, ChartedValue? charted) =>
        charted is { } c
            ? $"{DecisionText.Quantity(c.Value, c.Unit)} = {DecisionText.Join(DecisionText.Converted(declared), unit)}"
            : DecisionText.Quantity(declared, unit);

    public static string Summarize(
        DoseAction action, DateTimeOffset at, int dose, ImmutableArray<FiredRule> rules, ImmutableArray<MissingData> missing,
        ImmutableArray<ScheduleFinding> schedule, ImmutableArray<RecordIssue> errors, DateTimeOffset nextSlot)
    {
        var sentences = new List<string>();
        if (action == DoseAction.Give)
        {
            sentences.Add($"Give dose {dose}: no hold or discontinue criterion met; next check {DecisionText.Time(nextSlot, at)}.");
        }

        // A finished course is not a dose to discontinue: it says so first.
        foreach (var finding in schedule.Where(f => f.Code == ScheduleCodes.MaxDosesCourse))
        {
            sentences.Add(DecisionText.Sentence(CourseComplete(finding.Message)));
        }

        foreach (var rule in rules)
        {
            sentences.Add(RuleSentence(rule, dose, at));
        }

        foreach (var finding in schedule.Where(f => f.Code != ScheduleCodes.MaxDosesCourse))
        {
            sentences.Add(DecisionText.Sentence($"Hold dose {dose}: {finding.Message}"));
        }

        foreach (var error in errors)
        {
            var where = error.Path.Length > 0 ? $" ({error.Path}{(error.At is { } charted ? ", charted " + DecisionText.Time(charted, at) : "")})" : "";
            sentences.Add(DecisionText.Sentence($"Hold dose {dose}: data error — {error.Message}{where}"));
        }

        foreach (var m in missing.Where(m => !m.Optional))
        {
            sentences.Add(DecisionText.Sentence($"Hold dose {dose}: missing data — {Needs(m)}: {m.Reason}"));
        }

        // A value too old to count (or refused) is named with its value and age, never as "not recorded".
        foreach (var m in missing.Where(m => m.Optional && m.Stale))
        {
            sentences.Add(DecisionText.Sentence($"Optional, not counted (does not hold the dose): {m.Observation} {m.Reason}"));
        }

        // Absent optional data (no vasopressor running, no finding to chart) is no reason: the summary leaves it out;
        // the decision's Missing list keeps it for the detail view.

        return string.Join(" ", sentences);
    }

    /// <summary>"course complete: 6 of 6 doses given" → "Course complete: 6 of 6 doses given".</summary>
    private static string CourseComplete(string message) =>
        message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..];

    /// <summary>"oliguria needs the patient's weight", "sbp-low and map-low need systolic blood pressure".</summary>
    private static string Needs(MissingData m) => m.Rules.Length switch
    {
        0 => m.Title,
        1 => $"{m.Rules[0]} needs {m.Title}",
        _ => $"{string.Join(", ", m.Rules.Take(m.Rules.Length - 1))} and {m.Rules[^1]} need {m.Title}",
    };

    private static string RuleSentence(FiredRule rule, int dose, DateTimeOffset at)
    {
        var text = new StringBuilder();
        text.Append(DecisionText.Word(rule.Action)).Append(" dose ").Append(dose).Append(": ").Append(rule.Title.TrimEnd('.', ' '));
        if (rule.Values.Length > 0)
        {
            text.Append(" — ");
            text.AppendJoin(", ", rule.Values.Select(v => ValueText(v, at)));
        }
        var citations = rule.Citations.Select(CitationText).Where(c => c.Length > 0).ToList();
        if (citations.Count > 0)
        {
            text.Append(" (").AppendJoin("; ", citations).Append(')');
        }

        if (rule.Note is { Length: > 0 } note)
        {
            text.Append(" — ").Append(note);
        }

        return DecisionText.Sentence(text.ToString());
    }

    private static string ValueText(SeenValue value, DateTimeOffset at)
    {
        var text = new StringBuilder(value.Input).Append(' ');
        if (value.Flag is { } flag)
        {
            text.Append(flag ? "yes" : "no");
        }
        else if (value.Value is { } number)
        {
            text.Append(SeenText(number, value.Unit, value.ChartedUnit is { } u && value.ChartedValue is { } c ? new ChartedValue(c, u) : null));
        }
        else
        {
            text.Append("not available");
        }

        if (value.At is { } time)
        {
            text.Append(value.Count is { } ? " latest at " : " at ").Append(DecisionText.Time(time, at));
        }

        if (value.Count is { } count)
        {
            text.Append(" (").Append(count).Append(count == 1 ? " value)" : " values)");
        }

        return text.ToString();
    }

    private static string CitationText(CitationInfo citation)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(citation.Reference))
        {
            parts.Add(citation.Reference);
        }

        if (!string.IsNullOrWhiteSpace(citation.Locator))
        {
            parts.Add(citation.Locator);
        }

        var text = string.Join(", ", parts);
        if (citation.Unverified)
        {
            text = text.Length == 0 ? "unverified" : text + "; unverified";
        }

        return text;
    }
}
