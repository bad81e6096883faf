using System.Collections.Immutable;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// The min and max over a long window come from a segment tree (O(log n) whatever the window; built on the first long
/// window asked for, then kept up to date): they must be the min and max a scan of the window's values gives, exactly —
/// on a record bound at once, on a timeline fed value by value (appended last, charted late into the middle, and
/// removed when a second value at an instant disagrees), and on the store under random inserts and removals.
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

    [Theory]
    [InlineData(1, 20_000)]
    [InlineData(2, 65)]
    [InlineData(3, 129)]
    public void A_window_min_and_max_are_a_scan_of_the_window_on_a_random_series(int seed, int length)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = Math.Round(random.NextDouble() * (random.Next(10) == 0 ? 5000 : 300), 2);
        }

        var timeline = Timeline(values);
        var at = Start.AddMinutes(values.Length - 1);
        var snapshot = PatientSnapshot.Create(timeline, at).Snapshot;
        for (var i = 0; i < 400; i++)
        {
            var minutes = random.Next(1, values.Length + 10);
            Agree(snapshot, at, minutes);
        }
        Assert.True(timeline.Store(TestProtocol.Urine).HasExtremes, "a long window builds the tree");
    }

    [Fact]
    public void A_short_window_is_scanned_and_builds_no_tree()
    {
        var values = Enumerable.Range(0, 1_000).Select(k => 0.1 * (k % 7) + 0.7).ToArray();
        var timeline = Timeline(values);
        var at = Start.AddMinutes(values.Length - 1);
        var snapshot = PatientSnapshot.Create(timeline, at).Snapshot;
        for (var minutes = 1; minutes <= PatientTimeline.DirectSumLimit; minutes++)
        {
            Agree(snapshot, at, minutes);
        }
        Assert.False(timeline.Store(TestProtocol.Urine).HasExtremes);
    }

    /// <summary>A timeline fed as a bedside feed would be: every change is followed by windows compared with a scan.</summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Appends_late_values_and_disagreeing_values_keep_the_tree_right(int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, 300).Select(_ => Math.Round(random.NextDouble() * 300, 1)).ToArray();
        var timeline = Timeline(values);
        var last = values.Length - 1;
        // Build the tree before the changes, so that they have to keep it up to date.
        Agree(PatientSnapshot.Create(timeline, Start.AddMinutes(last)).Snapshot, Start.AddMinutes(last), values.Length);
        Assert.True(timeline.Store(TestProtocol.Urine).HasExtremes);

        for (var step = 0; step < 600; step++)
        {
            var kind = random.Next(10);
            DateTimeOffset t;
            if (kind < 5)
            {
                t = Start.AddMinutes(++last);                                  // the newest value
            }
            else if (kind < 8)
            {
                t = Start.AddMinutes(random.Next(0, last)).AddSeconds(random.Next(1, 59)); // charted late
            }
            else
            {
                t = Start.AddMinutes(random.Next(0, last));                    // at an instant already charted: agrees or not
            }

            var value = kind == 9 ? values[0] : Math.Round(random.NextDouble() * (random.Next(20) == 0 ? 3000 : 300), 1);
            timeline.Append(RecordedObservation.Numeric("urine-output", t, value, "mL"));
            var at = Start.AddMinutes(last);
            var snapshot = PatientSnapshot.Create(timeline, at).Snapshot;
            for (var i = 0; i < 5; i++)
            {
                Agree(snapshot, at, random.Next(1, last + 10));
            }
        }
        var series = PatientSnapshot.Create(timeline, Start.AddMinutes(last)).Snapshot.Series(TestProtocol.Urine);
        Assert.True(series.Count > 600, $"{series.Count} values");
    }

    /// <summary>The store itself, under random inserts and removals anywhere (as a correction or disagreement makes them), checked on random ranges.</summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void The_tree_answers_as_a_scan_after_random_inserts_and_removals(int seed)
    {
        var random = new Random(seed);
        var store = new SeriesStore();
        var ticks = 0L;
        for (var k = 0; k < 200; k++)
        {
            store.AddLast(ticks += 10, random.Next(-500, 500) / 4.0, k);
        }

        Assert.Equal(Scan(store, 0, store.Count, highest: true), store.TreeExtreme(0, store.Count, highest: true));
        for (var step = 0; step < 3_000; step++)
        {
            var op = random.Next(20);
            if (op < 17 || store.Count <= 2)
            {
                var position = op < 8 ? store.Count : random.Next(0, store.Count + 1);
                store.Insert(position, new Point(position < store.Count ? store.Ticks[position] : ticks += 10, random.Next(-500, 500) / 4.0, step, null));
            }
            else
            {
                var start = random.Next(0, store.Count);
                store.RemoveRange(start, random.Next(1, Math.Min(store.Count - start, 8) + 1));
            }

            for (var i = 0; i < 4 && store.Count > 0; i++)
            {
                var first = random.Next(0, store.Count);
                var end = random.Next(first + 1, store.Count + 1);
                Assert.Equal(Scan(store, first, end, highest: false), store.TreeExtreme(first, end, highest: false));
                Assert.Equal(Scan(store, first, end, highest: true), store.TreeExtreme(first, end, highest: true));
            }
        }
    }

    [Fact]
    public void The_tree_of_a_few_values_pads_with_infinities()
    {
        var tree = new ExtremeTree([3.0, -1.0, 7.0], 3);
        Assert.Equal(4, tree.Leaves);
        Assert.Equal(-1.0, tree.Min(0, 3));
        Assert.Equal(7.0, tree.Max(0, 3));
        Assert.Equal(3.0, tree.Min(0, 1));
        Assert.Equal(7.0, tree.Max(2, 3));
        Assert.Equal(double.PositiveInfinity, tree.Min(1, 1));
        tree.Update([3.0, -1.0, 7.0, -9.0], 4, 3, 4);
        Assert.Equal(-9.0, tree.Min(0, 4));
        tree.Update([3.0, 7.0], 2, 1, 4);
        Assert.Equal(3.0, tree.Min(0, 4));
        Assert.Equal(7.0, tree.Max(0, 4));
    }

    private static void Agree(PatientSnapshot snapshot, DateTimeOffset at, int minutes)
    {
        var series = snapshot.Series(TestProtocol.Urine);
        var from = at.AddMinutes(-minutes).UtcTicks;
        double? low = null, high = null;
        for (var k = 0; k < series.Count; k++)
        {
            if (series.Ticks[k] > from)
            {
                low = low is { } l ? Math.Min(l, series.Values[k]) : series.Values[k];
                high = high is { } h ? Math.Max(h, series.Values[k]) : series.Values[k];
            }
        }

        Assert.Equal(low ?? double.NaN, snapshot.Min(TestProtocol.Urine, minutes * 60));
        Assert.Equal(high ?? double.NaN, snapshot.Max(TestProtocol.Urine, minutes * 60));
    }

    private static double Scan(SeriesStore store, int first, int end, bool highest)
    {
        var extreme = store.Values[first];
        for (var k = first; k < end; k++)
        {
            extreme = highest ? Math.Max(extreme, store.Values[k]) : Math.Min(extreme, store.Values[k]);
        }
        return extreme;
    }

    /// <summary>Urine output charted every minute from <see cref="Start"/>.</summary>
    private static PatientTimeline Timeline(double[] values)
    {
        var observations = values.Select((v, k) => RecordedObservation.Numeric("urine-output", Start.AddMinutes(k), v, "mL")).ToImmutableArray();
        return PatientTimeline.Create(TestProtocol.Description, new PatientRecord("p", new MeasuredValue(70, "kg"), [], [], observations));
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
