using System.Collections.Immutable;
using System.Text;

namespace IlTwo.Runtime.Records;

/// <summary>
/// What the engine knows about one patient: events, doses and observations, each sorted by time
/// when produced by <see cref="PatientJsonReader"/>.
/// </summary>
public sealed record PatientRecord(
    string? PatientId,
    MeasuredValue? Weight,
    ImmutableArray<RecordedEvent> Events,
    ImmutableArray<RecordedDose> Doses,
    ImmutableArray<RecordedObservation> Observations)
{
    public static PatientRecord Empty { get; } = new(null, null, [], [], []);

    // A default ImmutableArray throws on enumeration; normalise so consumers never see one
    // (the initialiser covers the constructor, the init accessor covers `with`).
    public ImmutableArray<RecordedEvent> Events { get; init => field = OrEmpty(value); } = OrEmpty(Events);
    public ImmutableArray<RecordedDose> Doses { get; init => field = OrEmpty(value); } = OrEmpty(Doses);
    public ImmutableArray<RecordedObservation> Observations { get; init => field = OrEmpty(value); } = OrEmpty(Observations);

    // ImmutableArray compares by reference; a record should compare by content.
    public bool Equals(PatientRecord? other) =>
        other is not null
        && PatientId == other.PatientId
        && Weight == other.Weight
        && Events.SequenceEqual(other.Events)
        && Doses.SequenceEqual(other.Doses)
        && Observations.SequenceEqual(other.Observations);

    public override int GetHashCode() =>
        HashCode.Combine(PatientId, Weight, Events.Length, Doses.Length, Observations.Length);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"PatientId = {PatientId}, Weight = {Weight}, Events = {Events.Length}, Doses = {Doses.Length}, Observations = {Observations.Length}");
        return true;
    }

    private static ImmutableArray<T> OrEmpty<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;
}

/// <summary>A number with its UCUM unit code (case-sensitive, e.g. "kg", "mm[Hg]").</summary>
public readonly record struct MeasuredValue(double Value, string Unit);

/// <summary>A clinical event the protocol refers to by type, e.g. "til-infusion".</summary>
public sealed record RecordedEvent(string Type, DateTimeOffset At);

public enum DoseStatus
{
    /// <summary>The dose was administered.</summary>
    Given,

    /// <summary>A scheduled dose withheld at the bedside: it uses its slot and is not made up.</summary>
    Held,

    /// <summary>The dose was not administered for a reason other than a clinical hold.</summary>
    NotGiven,

    /// <summary>
    /// The record does not say the dose is over: it may be running, paused or partly given (FHIR <c>in-progress</c>,
    /// <c>on-hold</c>, <c>stopped</c>, <c>unknown</c> or no status; patient JSON <c>"in-progress"</c>). It is never read as
    /// "no dose": while the record holds one, the engine holds the next dose and names it
    /// (<see cref="Evaluation.ScheduleCodes.DoseMayBeRunning"/>). It counts neither as given nor as held.
    /// </summary>
    MayBeRunning,
}

/// <summary>A scheduled IL-2 dose and what happened to it.</summary>
public sealed record RecordedDose(DateTimeOffset At, DoseStatus Status, MeasuredValue? Amount = null, string? Note = null)
{
    /// <summary>The status as the source wrote it (e.g. FHIR <c>on-hold</c>), for a <see cref="DoseStatus.MayBeRunning"/> dose; else null.</summary>
    public string? SourceStatus { get; init; }

    /// <summary>Where the dose came from (e.g. <c>Bundle.entry[3](MedicationAdministration/a)</c>, <c>$.doses[2]</c>), when the reader says; else null.</summary>
    public string? Source { get; init; }
}

/// <summary>
/// A measurement (<see cref="Value"/> with <see cref="Unit"/>) or a yes/no finding (<see cref="Flag"/>, no unit).
/// <see cref="Code"/> is a LOINC code or the observation's name in the protocol.
/// </summary>
public sealed record RecordedObservation(string Code, DateTimeOffset At, double? Value, bool? Flag, string? Unit)
{
    public bool IsFlag => Flag.HasValue;

    /// <summary>
    /// Where the observation came from, when the reader says: a JSON path into patient JSON (<c>$.observations[2]</c>,
    /// the element as the file has it, whatever order the record is sorted into) or a FHIR entry
    /// (<c>Bundle.entry[3](Observation/a)</c>). Null for an observation built in code: the engine then names it by its
    /// index in the record (<c>$.observations[i]</c>). The engine's data errors about the observation name this place.
    /// </summary>
    public string? Source { get; init; }

    // Where a reading came from is not what it is: two records with the same readings are equal, however they were read.
    public bool Equals(RecordedObservation? other) =>
        other is not null && Code == other.Code && At == other.At && Value == other.Value && Flag == other.Flag && Unit == other.Unit;

    public override int GetHashCode() => HashCode.Combine(Code, At, Value, Flag, Unit);

    public static RecordedObservation Numeric(string code, DateTimeOffset at, double value, string unit) =>
        new(code, at, value, null, unit);

    public static RecordedObservation YesNo(string code, DateTimeOffset at, bool flag) =>
        new(code, at, null, flag, null);
}
