using System.Collections.Immutable;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Records;

public sealed class PatientJsonWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static PatientRecord RoundTrip(PatientRecord record)
    {
        var json = PatientJsonWriter.Write(record);
        var result = PatientJsonReader.Read(json);
        Assert.True(result.Succeeded, json + "\n" + string.Join("\n", result.Issues));
        Assert.Empty(result.Issues);
        return result.Record!;
    }

    private static void AssertSameOffsets(PatientRecord expected, PatientRecord actual)
    {
        // DateTimeOffset equality ignores the offset; the bedside's local time must survive too.
        Assert.Equal(expected.Events.Select(e => e.At.Offset), actual.Events.Select(e => e.At.Offset));
        Assert.Equal(expected.Doses.Select(e => e.At.Offset), actual.Doses.Select(e => e.At.Offset));
        Assert.Equal(expected.Observations.Select(e => e.At.Offset), actual.Observations.Select(e => e.At.Offset));
    }

    [Fact]
    public void Example_round_trips_and_rewrites_identically()
    {
        var record = PatientJsonReader.Read(PatientJsonReaderTests.Example).Record!;

        var json = PatientJsonWriter.Write(record);
        var again = RoundTrip(record);

        Assert.Equal(record, again);
        Assert.Equal(json, PatientJsonWriter.Write(again));
    }

    [Fact]
    public void Empty_record_round_trips()
    {
        Assert.Equal(PatientRecord.Empty, RoundTrip(PatientRecord.Empty));
        Assert.Contains("\"observations\": []", PatientJsonWriter.Write(PatientRecord.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_round_trips()
    {
        var plus2 = TimeSpan.FromHours(2);
        var record = new PatientRecord(
            "MRN-ßø \"7\"",
            new MeasuredValue(70.3, "kg"),
            [new RecordedEvent("til-infusion", new DateTimeOffset(2026, 3, 2, 10, 0, 0, plus2))],
            [
                new RecordedDose(T0.AddHours(6), DoseStatus.Given, new MeasuredValue(600_000, "[iU]/kg"), "line 1\nline 2 <b>&"),
                new RecordedDose(T0.AddHours(14).AddTicks(1), DoseStatus.Held, Note: ""),
                new RecordedDose(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.FromMinutes(-330)), DoseStatus.NotGiven),
            ],
            [
                RecordedObservation.Numeric("8480-6", T0.AddDays(1).AddMilliseconds(250), 84, "mm[Hg]"),
                RecordedObservation.Numeric("8310-5", T0.AddDays(1).AddMilliseconds(250), 38.1, "Cel"),
                RecordedObservation.Numeric("creatinine", T0.AddDays(1.5), 0.1 + 0.2, "mg/dL"),
                RecordedObservation.Numeric("tiny", T0.AddDays(1.5), 1e-300, "1"),
                RecordedObservation.YesNo("confusion", T0.AddDays(2), true),
                RecordedObservation.YesNo("confusion", T0.AddDays(2), false),
            ]);

        var read = RoundTrip(record);

        Assert.Equal(record, read);
        AssertSameOffsets(record, read);
    }

    [Fact]
    public void Random_records_round_trip()
    {
        var random = new Random(20260302);
        string[] units = ["mm[Hg]", "Cel", "/min", "mg/dL", "%", "{score}", "1"];
        for (int n = 0; n < 200; n++)
        {
            DateTimeOffset Time() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(random.Next(-56, 57) * 15))
                .AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 60));
            double Number() => random.Next(3) switch
            {
                0 => random.Next(-50, 300),
                1 => random.NextDouble() * 1000,
                _ => Math.Pow(10, random.Next(-300, 300)) * random.NextDouble(),
            };

            var record = new PatientRecord(
                random.Next(2) == 0 ? null : $"p{random.Next()}",
                random.Next(2) == 0 ? null : new MeasuredValue(random.NextDouble() * 150 + 0.5, "kg"),
                [.. Enumerable.Range(0, random.Next(3)).Select(_ => new RecordedEvent("til-infusion", Time())).OrderBy(e => e.At)],
                [.. Enumerable.Range(0, random.Next(10)).Select(_ => new RecordedDose(Time(), (DoseStatus)random.Next(3))).OrderBy(d => d.At)],
                [.. Enumerable.Range(0, random.Next(20))
                    .Select(_ => random.Next(3) == 0
                        ? RecordedObservation.YesNo("confusion", Time(), random.Next(2) == 0)
                        : RecordedObservation.Numeric("8480-6", Time(), Number(), units[random.Next(units.Length)]))
                    .OrderBy(o => o.At)]);

            var read = RoundTrip(record);

            Assert.Equal(record, read);
            AssertSameOffsets(record, read);
        }
    }

    public static TheoryData<string, PatientRecord> InvalidRecords() => new()
    {
        { "NaN value", Empty with { Observations = [new RecordedObservation("x", T0, double.NaN, null, "1")] } },
        { "infinite value", Empty with { Observations = [RecordedObservation.Numeric("x", T0, double.PositiveInfinity, "1")] } },
        { "value and flag", Empty with { Observations = [new RecordedObservation("x", T0, 1, true, "1")] } },
        { "neither value nor flag", Empty with { Observations = [new RecordedObservation("x", T0, null, null, null)] } },
        { "number without unit", Empty with { Observations = [new RecordedObservation("x", T0, 1, null, null)] } },
        { "flag with unit", Empty with { Observations = [new RecordedObservation("x", T0, null, true, "1")] } },
        { "empty code", Empty with { Observations = [RecordedObservation.YesNo(" ", T0, true)] } },
        { "code with trailing space", Empty with { Observations = [RecordedObservation.YesNo("x ", T0, true)] } },
        { "zero weight", Empty with { Weight = new MeasuredValue(0, "kg") } },
        { "weight without unit", Empty with { Weight = new MeasuredValue(70, "") } },
        { "undefined status", Empty with { Doses = [new RecordedDose(T0, (DoseStatus)7)] } },
        { "empty event type", Empty with { Events = [new RecordedEvent("", T0)] } },
    };

    private static PatientRecord Empty => PatientRecord.Empty;

    [Theory]
    [MemberData(nameof(InvalidRecords))]
    public void Writer_refuses_records_the_reader_would_reject(string name, PatientRecord record)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => PatientJsonWriter.Write(record));
        Assert.False(string.IsNullOrEmpty(ex.Message), name);
    }

    [Fact]
    public void Default_arrays_are_normalised_to_empty()
    {
        var record = new PatientRecord(null, null, default, default, ImmutableArray<RecordedObservation>.Empty);

        Assert.Equal(PatientRecord.Empty, record);
        Assert.Equal(PatientRecord.Empty, record with { Doses = default });
        Assert.Equal(PatientRecord.Empty.GetHashCode(), record.GetHashCode());
    }
}
