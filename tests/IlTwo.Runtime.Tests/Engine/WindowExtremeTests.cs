using System.Collections.Immutable;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// The min and max over a long window come from segment trees (O(log n) whatever the window): they must be the min and
/// max a scan of the window's values gives, exactly — on a record bound at once, and on a timeline fed value by value
/// (appended last, charted late into the middle, and removed when a second value at an instant disagrees).
/// </summary>
public sealed class WindowExtremeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Min_and_max_over_a_window_are_those_of_its_values_on_a_long_random_series(int seed)
    {
        var random = new Random(seed);
        var observations = Enumerable.Range(0, 5_000)
            .Select(k => RecordedObservation.Numeric("urine-output", Start.AddMinutes(k), RandomVolume(random), "mL"))
            .ToImmutableArray();
        var timeline = PatientTimeline.Create(TestProtocol.Description, new PatientRecord("p", new MeasuredValue(70, "kg"), [], [], observations));
        var at = Start.AddMinutes(observations.Length - 1);
        AgreeOnRandomWindows(random, timeline, at, observations.Length);
        // A moment inside the record: the windows end there.
        AgreeOnRandomWindows(random, timeline, Start.AddMinutes(3_217.5), observations.Length);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Min_and_max_stay_those_of_the_values_after_appends_late_values_and_disagreements(int seed)
    {
        var random = new Random(seed);
        var timeline = PatientTimeline.Create(TestProtocol.Description, new PatientRecord("p", new MeasuredValue(70, "kg"), [], [], []));
        var latest = Start;
        for (var step = 0; step < 1_500; step++)
        {
            var kind = random.Next(10);
            DateTimeOffset at;
            if (kind < 6 || step < 80)
            {
                // The next minute, after every value so far.
                latest = latest.AddMinutes(1);
                at = latest;
            }
            else if (kind < 9)
            {
                // Charted late: a minute somewhere in the past, between two values.
                at = Start.AddMinutes(random.Next(1, (int)(latest - Start).TotalMinutes)).AddSeconds(30);
            }
            else
            {
                // A second value at an instant already charted: it disagrees, and the values there are taken out.
                at = Start.AddMinutes(random.Next(1, (int)(latest - Start).TotalMinutes + 1));
            }
            timeline.Append(RecordedObservation.Numeric("urine-output", at, RandomVolume(random), "mL"));
            if (step % 25 == 0)
            {
                var count = (int)(latest - Start).TotalMinutes + 2;
                AgreeOnRandomWindows(random, timeline, latest, count);
                AgreeOnRandomWindows(random, timeline, Start.AddMinutes(random.Next(count)), count);
            }
        }
        Assert.NotEmpty(timeline.Snapshot(latest).Issues);
    }

    /// <summary>mL with two decimals, now and then a large or a tiny charting.</summary>
    private static double RandomVolume(Random random) =>
        Math.Round(random.NextDouble() * (random.Next(10) == 0 ? 5000 : 300), 2) + (random.Next(50) == 0 ? 0.01 : 0);

    private static void AgreeOnRandomWindows(Random random, PatientTimeline timeline, DateTimeOffset at, int length)
    {
        var snapshot = timeline.Snapshot(at).Snapshot;
        var series = snapshot.Series(TestProtocol.Urine);
        for (var i = 0; i < 60; i++)
        {
            var minutes = i < 3 ? PatientTimeline.DirectSumLimit + i : random.Next(1, length + 10);
            foreach (var highest in new[] { false, true })
            {
                var expected = Scan(series, at, minutes, highest);
                var actual = highest ? snapshot.Max(TestProtocol.Urine, minutes * 60) : snapshot.Min(TestProtocol.Urine, minutes * 60);
                Assert.True(expected.Equals(actual), $"{(highest ? "max" : "min")} over {minutes} min at {at:O}: {actual:R}, a scan gives {expected:R}");
            }
        }
    }

    /// <summary>The window (at − minutes, at], value by value; NaN when it is empty.</summary>
    private static double Scan(ObservationSeries series, DateTimeOffset at, int minutes, bool highest)
    {
        var from = at.AddMinutes(-minutes).UtcTicks;
        var extreme = double.NaN;
        for (var k = 0; k < series.Count; k++)
        {
            if (series.Ticks[k] > from)
            {
                extreme = double.IsNaN(extreme) ? series.Values[k] : highest ? Math.Max(extreme, series.Values[k]) : Math.Min(extreme, series.Values[k]);
            }
        }
        return extreme;
    }
}
