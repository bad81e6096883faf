using System.Collections.Immutable;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// A sum over a long window comes from prefix sums (two binary searches and a subtraction, whatever the series length):
/// it must be the sum of the window's values, as adding them one by one gives it, to far better than the 1e-9 at which
/// rules compare quantities — also when the series before the window is large beside the window (where a plain prefix
/// sum loses the window's small values to the size of the total).
/// </summary>
public sealed class WindowSumTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_window_sum_is_the_sum_of_its_values_on_a_long_random_series(int seed)
    {
        var random = new Random(seed);
        var values = new double[20_000];
        for (var k = 0; k < values.Length; k++)
        {
            // mL with two decimals, now and then a large or a tiny charting.
            values[k] = Math.Round(random.NextDouble() * (random.Next(10) == 0 ? 5000 : 300), 2) + (random.Next(50) == 0 ? 0.01 : 0);
        }
        var (snapshot, at) = Snapshot(values);
        var series = snapshot.Series(TestProtocol.Urine);
        for (var i = 0; i < 400; i++)
        {
            var minutes = random.Next(1, values.Length + 10);
            Agree(snapshot, series, at, minutes);
        }
    }

    [Fact]
    public void A_window_of_small_values_after_large_ones_keeps_its_small_values()
    {
        // 1,000 m3-sized chartings (as mL), then 500 of 0.001 mL: the window over the last 500 sums 0.5 mL.
        var values = Enumerable.Repeat(1e9, 1_000).Concat(Enumerable.Repeat(0.001, 500)).ToArray();
        var (snapshot, at) = Snapshot(values);
        var sum = snapshot.Sum(TestProtocol.Urine, 500 * 60);
        Assert.Equal(0.5e-6, sum, 0.5e-6 * 1e-12);
        Agree(snapshot, snapshot.Series(TestProtocol.Urine), at, 500);
        Agree(snapshot, snapshot.Series(TestProtocol.Urine), at, 700);
    }

    [Fact]
    public void A_short_window_is_summed_value_by_value_as_before()
    {
        var values = Enumerable.Range(0, 1_000).Select(k => 0.1 * (k % 7) + 0.7).ToArray();
        var (snapshot, at) = Snapshot(values);
        var series = snapshot.Series(TestProtocol.Urine);
        for (var minutes = 1; minutes <= PatientTimeline.DirectSumLimit; minutes++)
        {
            Assert.Equal(NaiveSum(series, at, minutes), snapshot.Sum(TestProtocol.Urine, minutes * 60));
        }
    }

    private static void Agree(PatientSnapshot snapshot, ObservationSeries series, DateTimeOffset at, int minutes)
    {
        var expected = NaiveSum(series, at, minutes);
        var actual = snapshot.Sum(TestProtocol.Urine, minutes * 60);
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * 1e-12, $"window {minutes} min: prefix sum {actual:R}, value by value {expected:R}");
    }

    /// <summary>The window (at − minutes, at], added value by value in time order.</summary>
    private static double NaiveSum(ObservationSeries series, DateTimeOffset at, int minutes)
    {
        var from = at.AddMinutes(-minutes).UtcTicks;
        var sum = 0.0;
        for (var k = 0; k < series.Count; k++)
        {
            if (series.Ticks[k] > from)
            {
                sum += series.Values[k];
            }
        }
        return sum;
    }

    /// <summary>Urine output charted every minute, the last one at the moment returned.</summary>
    private static (PatientSnapshot Snapshot, DateTimeOffset At) Snapshot(double[] values)
    {
        var observations = values.Select((v, k) => RecordedObservation.Numeric("urine-output", Start.AddMinutes(k), v, "mL")).ToImmutableArray();
        var at = Start.AddMinutes(values.Length - 1);
        var record = new PatientRecord("p", new MeasuredValue(70, "kg"), [], [], observations);
        var result = PatientSnapshot.Create(TestProtocol.Description, record, at);
        Assert.Empty(result.Issues);
        return (result.Snapshot, at);
    }
}
