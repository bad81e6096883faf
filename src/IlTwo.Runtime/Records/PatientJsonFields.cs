using System.Collections.Immutable;

namespace IlTwo.Runtime.Records;

/// <summary>
/// The property names of the patient JSON format, per object kind. The reader, the writer and the
/// schema test all use these lists, so the documented field set cannot drift from the code.
/// </summary>
internal static class PatientJsonFields
{
    public const string Patient = "patient";
    public const string Events = "events";
    public const string Doses = "doses";
    public const string Observations = "observations";
    public const string Id = "id";
    public const string Weight = "weight";
    public const string Value = "value";
    public const string Unit = "unit";
    public const string Type = "type";
    public const string At = "at";
    public const string Status = "status";
    public const string Amount = "amount";
    public const string Note = "note";
    public const string Code = "code";

    public static readonly ImmutableArray<string> Root = [Patient, Events, Doses, Observations];
    public static readonly ImmutableArray<string> PatientObject = [Id, Weight];
    public static readonly ImmutableArray<string> Quantity = [Value, Unit];
    public static readonly ImmutableArray<string> Event = [Type, At];
    public static readonly ImmutableArray<string> Dose = [At, Status, Amount, Note];
    public static readonly ImmutableArray<string> Observation = [Code, Value, Unit, At];

    /// <summary>Object kind → accepted names; keys are the schema's <c>$defs</c> names ("" = document root).</summary>
    public static readonly ImmutableDictionary<string, ImmutableArray<string>> ByObjectKind =
        new Dictionary<string, ImmutableArray<string>>
        {
            [""] = Root,
            ["patient"] = PatientObject,
            ["quantity"] = Quantity,
            ["event"] = Event,
            ["dose"] = Dose,
            ["observation"] = Observation,
        }.ToImmutableDictionary();

    public const string StatusGiven = "given";
    public const string StatusHeld = "held";
    public const string StatusNotGiven = "not-given";
    public const string StatusInProgress = "in-progress";
}
